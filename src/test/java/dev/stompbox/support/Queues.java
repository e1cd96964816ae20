package dev.stompbox.support;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Waiting on what a test client queued as it arrived: frames, lines, messages.
 */
public final class Queues {

	private Queues() {
	}

	/**
	 * The next element of the queue, failing when none arrives within the wait.
	 * @param what what the queue holds, for the failure
	 */
	public static <T> T next(BlockingQueue<T> queue, Duration wait, String what) {
		try {
			T next = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
			if (next == null) {
				throw new AssertionError("No " + what + " within " + wait);
			}
			return next;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
