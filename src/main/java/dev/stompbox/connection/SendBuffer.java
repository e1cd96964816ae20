package dev.stompbox.connection;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

/**
 * One session's outbound queue, through which every write to the session goes. Any thread
 * may queue a frame; the thread that finds no write under way writes everything queued, and
 * the others return at once. So a write that blocks, because the client stopped reading,
 * holds up only the thread making it, and the session is closed as too slow (4500) once it
 * has waited longer than the send time limit or too much is queued for it.
 * <p>
 * As Spring's {@code ConcurrentWebSocketSessionDecorator}, with three differences:
 * <ul>
 * <li>queueing and writing are two steps, so that the fan-out queues a message for every
 * subscriber of a room before it writes to any ({@link TopicFanout});</li>
 * <li>a close waits for the write under way and then writes what was queued before it:
 * Spring's STOMP handler sends an ERROR frame and closes at once, and the client must still
 * be told why its connection ends;</li>
 * <li>a session given up as too slow is closed on a thread of its own, since the container's
 * close waits behind the blocked write, and its connection is dropped if the close frame
 * still cannot be written after {@link #CLOSE_WAIT_MS}.</li>
 * </ul>
 * It extends Spring's decorator, whose own buffer stays unused, because Spring's STOMP handler
 * requires one for its ordered outbound messages: it hands in a callback that releases a
 * session's next message once the one before is queued ({@link #setMessageCallback}).
 */
class SendBuffer extends ConcurrentWebSocketSessionDecorator {

	private static final Log logger = LogFactory.getLog(SendBuffer.class);

	/** At most this long a close waits for a write under way; a client too slow to read is closed anyway. */
	static final long CLOSE_WAIT_MS = 2000;

	private static final long CLOSE_POLL_MS = 50;

	private final Queue<WebSocketMessage<?>> queue = new ConcurrentLinkedQueue<>();

	/** Queued bytes, the message being written included (text counted in chars: STOMP frames are mostly ASCII). */
	private final AtomicLong queuedBytes = new AtomicLong();

	private final ReentrantLock writing = new ReentrantLock();

	private final AtomicBoolean closing = new AtomicBoolean();

	private volatile long writeStartedMillis;

	private volatile boolean givenUp;

	private volatile @Nullable Consumer<WebSocketMessage<?>> afterQueued;

	private final FrameWriter writer;

	SendBuffer(WebSocketSession delegate, int sendTimeLimitMs, int bufferSizeLimit) {
		super(delegate, sendTimeLimitMs, bufferSizeLimit);
		this.writer = (delegate instanceof FrameWriter frames) ? frames : FrameWriter.of(delegate);
	}

	/** Spring's outbound path: STOMP frames other than room messages, in Spring's order. */
	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		if (enqueue(message)) {
			// Spring hands in a callback for each message; one kept would keep its message too.
			Consumer<WebSocketMessage<?>> callback = this.afterQueued;
			this.afterQueued = null;
			if (callback != null) {
				callback.accept(message);
			}
			flush();
		}
	}

	@Override
	public void setMessageCallback(Consumer<WebSocketMessage<?>> callback) {
		this.afterQueued = callback;
	}

	/** Queues a message without writing it; false when the session is closing. */
	boolean enqueue(WebSocketMessage<?> message) {
		if (this.closing.get()) {
			return false;
		}
		this.queuedBytes.addAndGet(sizeOf(message));
		this.queue.add(message);
		return true;
	}

	/**
	 * Writes what is queued, unless another thread is writing to this session: that one
	 * writes it, and here only the limits are checked.
	 * @throws SessionLimitExceededException when the session has been given up as too slow;
	 * it is closing already
	 */
	void flush() throws IOException {
		do {
			if (!this.writing.tryLock()) {
				checkLimits();
				return;
			}
			try {
				writeQueued();
			}
			finally {
				this.writing.unlock();
			}
			// A frame queued while the lock was being released has no writer yet.
		}
		while (!this.queue.isEmpty() && !this.givenUp);
	}

	/** Bytes waiting to be written to this session, the message being written included. */
	@Override
	public int getBufferSize() {
		return (int) Math.min(Integer.MAX_VALUE, this.queuedBytes.get());
	}

	@Override
	public long getTimeSinceSendStarted() {
		long started = this.writeStartedMillis;
		return (started != 0) ? System.currentTimeMillis() - started : 0;
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		if (!this.closing.compareAndSet(false, true)) {
			return;
		}
		// A session given up as too slow is closing already, so it never gets here.
		boolean tooSlow = CloseStatus.SESSION_NOT_RELIABLE.equals(status);
		// A thread that is itself writing (a container callback) would wait for itself.
		if (!tooSlow && !this.writing.isHeldByCurrentThread() && lockForClose()) {
			try {
				writeQueued();
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Writing before close to " + getId() + " failed: " + ex.getMessage());
			}
			finally {
				this.writing.unlock();
			}
		}
		super.close(status);
	}

	private boolean lockForClose() {
		try {
			return this.writing.tryLock(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Called with {@link #writing} held. Each frame but the last of what is queued is written
	 * with more to follow, so that together they may go out in one write.
	 */
	private void writeQueued() throws IOException {
		boolean held = false;
		WebSocketMessage<?> message;
		while (!this.givenUp && (message = this.queue.poll()) != null) {
			boolean moreFollow = this.queue.peek() != null;
			long size = sizeOf(message);
			this.writeStartedMillis = System.currentTimeMillis();
			try {
				this.writer.write(message, moreFollow);
				held = moreFollow;
			}
			finally {
				this.writeStartedMillis = 0;
				this.queuedBytes.addAndGet(-size);
			}
		}
		if (held) {
			// What followed was dropped: the session was given up meanwhile.
			this.writer.flush();
		}
	}

	private void checkLimits() {
		if (this.closing.get()) {
			return;
		}
		long writingFor = getTimeSinceSendStarted();
		if (writingFor > getSendTimeLimit()) {
			giveUp("a write has taken " + writingFor + " ms, over the limit of " + getSendTimeLimit());
		}
		if (this.queuedBytes.get() > getBufferSizeLimit()) {
			giveUp(this.queuedBytes.get() + " bytes wait to be written, over the limit of " + getBufferSizeLimit());
		}
	}

	private void giveUp(String reason) {
		this.givenUp = true;
		if (this.closing.compareAndSet(false, true)) {
			WebSocketMessage<?> dropped;
			while ((dropped = this.queue.poll()) != null) {
				this.queuedBytes.addAndGet(-sizeOf(dropped));
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Closing session " + getId() + " as too slow: " + reason);
			}
			Thread.ofVirtual().name("stompbox-close-slow-" + getId()).start(this::closeTooSlow);
		}
		throw new SessionLimitExceededException(reason, CloseStatus.SESSION_NOT_RELIABLE);
	}

	private void closeTooSlow() {
		try {
			getDelegate().close(CloseStatus.SESSION_NOT_RELIABLE);
			// The close frame waits behind the blocked write, which ends once the client reads.
			long deadline = System.currentTimeMillis() + CLOSE_WAIT_MS;
			while (isOpen() && System.currentTimeMillis() < deadline) {
				Thread.sleep(CLOSE_POLL_MS);
			}
			if (isOpen()) {
				CloseCodes.abortedAfterClose(getAttributes(), CloseStatus.SESSION_NOT_RELIABLE);
				TransportAbort.abort(this);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing slow session " + getId() + " failed: " + ex.getMessage());
		}
	}

	private static long sizeOf(WebSocketMessage<?> message) {
		if (message instanceof TextMessage text) {
			return text.getPayload().length();
		}
		if (message instanceof BinaryMessage binary) {
			return binary.getPayload().remaining();
		}
		return message.getPayloadLength();
	}

}
