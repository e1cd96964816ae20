package dev.stompbox.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread that owns a share of the connections: it connects them, reads and
 * parses everything they receive, and runs their timers. Other threads hand it work with
 * {@link #execute}; only writes of ready connections may come from elsewhere.
 */
final class IoLoop implements Runnable {

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final PriorityQueue<Timer> timers = new PriorityQueue<>();

	private final List<Connection> connections = new ArrayList<>();

	/** The read buffer all of this loop's connections share; parsing happens straight from it. */
	final byte[] readArray = new byte[256 * 1024];

	final ByteBuffer readBuffer = ByteBuffer.wrap(this.readArray);

	private long timerSeq;

	private volatile boolean running = true;

	IoLoop(String name) {
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.thread = new Thread(this, name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	Selector selector() {
		return this.selector;
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/** Adds a connection this loop owns; call before the loop runs anything for it. */
	void own(Connection connection) {
		this.connections.add(connection);
	}

	List<Connection> connections() {
		return this.connections;
	}

	void execute(Runnable task) {
		this.tasks.add(task);
		if (!inLoop()) {
			this.selector.wakeup();
		}
	}

	void schedule(long delayNanos, Runnable task) {
		if (!inLoop()) {
			execute(() -> schedule(delayNanos, task));
			return;
		}
		this.timers.add(new Timer(System.nanoTime() + delayNanos, this.timerSeq++, task));
	}

	/** Runs a task on this loop and returns its result; also a memory barrier for what the loop did before. */
	<T> CompletableFuture<T> submit(Callable<T> task) {
		CompletableFuture<T> result = new CompletableFuture<>();
		execute(() -> {
			try {
				result.complete(task.call());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	void stop() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void run() {
		while (this.running) {
			try {
				long timeoutMillis = 100;
				Timer next = this.timers.peek();
				if (next != null) {
					timeoutMillis = Math.min(timeoutMillis,
							TimeUnit.NANOSECONDS.toMillis(next.due() - System.nanoTime() + 999_999));
				}
				if (!this.tasks.isEmpty() || timeoutMillis <= 0) {
					this.selector.selectNow(this::selected);
				}
				else {
					this.selector.select(this::selected, timeoutMillis);
				}
				runTasks();
				runTimers();
			}
			catch (Throwable ex) {
				System.err.println("I/O loop " + this.thread.getName() + ": " + ex);
			}
		}
		for (Connection connection : this.connections) {
			connection.close();
		}
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	private void selected(SelectionKey key) {
		((Connection) key.attachment()).selected(key);
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			task.run();
		}
	}

	private void runTimers() {
		long now = System.nanoTime();
		while (!this.timers.isEmpty() && this.timers.peek().due() - now <= 0) {
			this.timers.poll().task().run();
		}
	}

	private record Timer(long due, long seq, Runnable task) implements Comparable<Timer> {

		@Override
		public int compareTo(Timer other) {
			int byDue = Long.compare(this.due - other.due, 0);
			return (byDue != 0) ? byDue : Long.compare(this.seq, other.seq);
		}

	}

}
