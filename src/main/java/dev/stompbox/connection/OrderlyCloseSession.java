package dev.stompbox.connection;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * Spring's per-session send buffer, except that closing waits for the sends already under
 * way. Spring sends an ERROR frame and closes at once; when another thread is still writing
 * an earlier frame, the ERROR frame waits in the buffer and the close drops it, so the client
 * would see its connection end without being told why.
 */
class OrderlyCloseSession extends ConcurrentWebSocketSessionDecorator {

	/** At most this long a close waits; a client too slow to read is closed anyway. */
	private static final long CLOSE_WAIT_MS = 2000;

	private final ReentrantReadWriteLock sends = new ReentrantReadWriteLock();

	OrderlyCloseSession(WebSocketSession delegate, int sendTimeLimit, int bufferSizeLimit) {
		super(delegate, sendTimeLimit, bufferSizeLimit);
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		this.sends.readLock().lock();
		try {
			super.sendMessage(message);
		}
		finally {
			this.sends.readLock().unlock();
		}
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		// A sender that still holds the session, or a session given up as too slow, is not
		// waited for: the first would wait for itself, the second has nothing worth flushing.
		boolean waited = false;
		if (this.sends.getReadHoldCount() == 0 && !CloseStatus.SESSION_NOT_RELIABLE.equals(status)) {
			try {
				waited = this.sends.writeLock().tryLock(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			super.close(status);
		}
		finally {
			if (waited) {
				this.sends.writeLock().unlock();
			}
		}
	}

}
