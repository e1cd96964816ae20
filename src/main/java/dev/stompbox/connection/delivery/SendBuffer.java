package dev.stompbox.connection.delivery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

import dev.stompbox.connection.CloseCodeSession;
import dev.stompbox.connection.CloseCodes;

/**
 * One session's outbound queue, through which every write to the session goes. Any thread
 * may queue a frame; the thread that finds no write under way starts writing what is
 * queued, and the others return at once. Writes never block ({@link FrameWriter}): when
 * the client does not take a frame at once, the thread returns and the write goes on when
 * the frame is written, on the thread that learns it. So no server thread waits on a
 * client (PROTOCOL.md section 6), and the session is closed as too slow (4500) once a
 * write has been pending longer than the send time limit or too much is queued for it:
 * checked when a frame is queued behind a pending write, and by {@link SendBuffers}'
 * sweep, so a write pending in a quiet room, to a client that has heart-beats off, is cut
 * off too.
 * <p>
 * As Spring's {@code ConcurrentWebSocketSessionDecorator}, with these differences:
 * <ul>
 * <li>queueing and writing are two steps, so that the fan-out queues a message for every
 * subscriber of a room before it writes to any ({@link TopicFanout});</li>
 * <li>a close is done once what was queued before it is written: Spring's STOMP handler
 * sends an ERROR frame and closes at once, and the client must still be told why its
 * connection ends;</li>
 * <li>a session given up as too slow is closed on a thread of its own, and its connection
 * is dropped if the close frame still cannot be written after
 * {@link #CLOSE_WAIT_MS}.</li>
 * </ul>
 * It extends Spring's decorator, whose own buffer stays unused, because Spring's STOMP
 * handler requires one for its ordered outbound messages: it hands in a callback that
 * releases a session's next message once the one before is queued
 * ({@link #setMessageCallback}).
 */
public class SendBuffer extends ConcurrentWebSocketSessionDecorator {

	private static final Log logger = LogFactory.getLog(SendBuffer.class);

	/**
	 * At most this long a close waits for the writes before it; a client too slow to read
	 * is closed anyway.
	 */
	static final long CLOSE_WAIT_MS = 2000;

	private static final long CLOSE_POLL_MS = 50;

	private final Queue<WebSocketMessage<?>> queue = new ConcurrentLinkedQueue<>();

	/**
	 * Queued bytes, the message being written included (text counted in chars: STOMP
	 * frames are mostly ASCII).
	 */
	private final AtomicLong queuedBytes = new AtomicLong();

	/**
	 * Held from the start of a write until the queue is found empty: one writer at a
	 * time.
	 */
	private final AtomicBoolean writing = new AtomicBoolean();

	private final AtomicBoolean closing = new AtomicBoolean();

	/** A close asked for while frames queued before it were still to be written. */
	private final AtomicReference<@Nullable CloseStatus> closeAfterWrites = new AtomicReference<>();

	/** When the close was asked for; 0 when none waits. */
	private volatile long closeRequestedMillis;

	/**
	 * When the frame being written was handed to the transport; 0 when none is pending.
	 */
	private volatile long writeStartedMillis;

	private volatile boolean givenUp;

	private volatile @Nullable Consumer<WebSocketMessage<?>> afterQueued;

	/**
	 * Until when ({@link System#nanoTime()}) writes wait while the session is paced; 0
	 * when never paced.
	 */
	private final AtomicLong holdUntilNanos = new AtomicLong();

	/**
	 * Set by the writer that found the writes held and left {@link #writing} taken;
	 * whoever clears it writes on.
	 */
	private final AtomicBoolean held = new AtomicBoolean();

	private volatile @Nullable TaskScheduler resumer;

	private final FrameWriter writer;

	SendBuffer(WebSocketSession delegate, int sendTimeLimitMs, int bufferSizeLimit) {
		super(delegate, sendTimeLimitMs, bufferSizeLimit);
		this.writer = (delegate instanceof FrameWriter frames) ? frames : FrameWriter.of(delegate);
		if (delegate instanceof CloseCodeSession guarded) {
			guarded.writesThrough(this);
		}
	}

	/**
	 * Spring's outbound path: STOMP frames other than room messages, in Spring's order.
	 */
	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		if (enqueue(message)) {
			// Spring hands in a callback for each message; one kept would keep its
			// message too.
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

	/**
	 * Queues a message without writing it; false when the session is closing or its
	 * connection failed.
	 */
	public boolean enqueue(WebSocketMessage<?> message) {
		if (this.closing.get() || this.givenUp) {
			return false;
		}
		this.queuedBytes.addAndGet(sizeOf(message));
		this.queue.add(message);
		return true;
	}

	/**
	 * Starts writing what is queued, unless a write is under way: that one goes on with
	 * it, and here only the limits are checked. Never blocks.
	 * @throws SessionLimitExceededException when the session has been given up as too
	 * slow; it is closing already
	 */
	public void flush() {
		if (this.writing.compareAndSet(false, true)) {
			writeQueued();
		}
		else {
			String overLimit = overLimit();
			if (overLimit != null) {
				giveUp(overLimit);
				throw new SessionLimitExceededException(overLimit, CloseStatus.SESSION_NOT_RELIABLE);
			}
		}
	}

	/**
	 * What {@link SendBuffers}' sweep runs: gives the session up as too slow when a write
	 * has been pending too long or too much waits, and closes a session whose close has
	 * waited too long for its writes.
	 */
	void checkLimits() {
		long closeRequested = this.closeRequestedMillis;
		if (closeRequested != 0 && System.currentTimeMillis() - closeRequested > CLOSE_WAIT_MS) {
			CloseStatus status = this.closeAfterWrites.getAndSet(null);
			if (status != null) {
				this.givenUp = true;
				dropQueued();
				closeOffThread(status);
			}
			return;
		}
		String overLimit = overLimit();
		if (overLimit != null) {
			giveUp(overLimit);
		}
	}

	/**
	 * Bytes waiting to be written to this session, the message being written included.
	 */
	@Override
	public int getBufferSize() {
		return (int) Math.min(Integer.MAX_VALUE, this.queuedBytes.get());
	}

	@Override
	public long getTimeSinceSendStarted() {
		long started = this.writeStartedMillis;
		return (started != 0) ? System.currentTimeMillis() - started : 0;
	}

	/**
	 * Holds this session's writes one step longer, at most {@code maxAhead} from now:
	 * what is queued goes out, in order, when the hold ends. A session that sends faster
	 * than it may gets its answers at the pace it may send at, so a client that waits for
	 * its answers before sending more (as a flood from a closed loop does) is slowed to
	 * that pace instead of being answered as fast as the server can refuse, and a client
	 * that does not wait is cut off by the buffer's limit. A close ends the hold: its
	 * ERROR frame and what is queued before it go out at once.
	 */
	void pace(Duration step, Duration maxAhead, TaskScheduler scheduler) {
		this.resumer = scheduler;
		long now = System.nanoTime();
		long stepNanos = step.toNanos();
		long latest = now + maxAhead.toNanos();
		this.holdUntilNanos.getAndUpdate((until) -> Math.min(Math.max(until, now) + stepNanos, latest));
	}

	/** How much longer the writes are held; 0 when they are not. */
	long holdRemainingNanos() {
		return Math.max(0, this.holdUntilNanos.get() - System.nanoTime());
	}

	/**
	 * Closes once what was queued before is written; at once when nothing is. A session
	 * given up as too slow is closing already, so it never gets here.
	 */
	@Override
	public void close(CloseStatus status) throws IOException {
		if (!this.closing.compareAndSet(false, true)) {
			return;
		}
		if (CloseStatus.SESSION_NOT_RELIABLE.equals(status)) {
			this.givenUp = true;
			dropQueued();
			closeOffThread(status);
			return;
		}
		this.closeRequestedMillis = System.currentTimeMillis();
		this.closeAfterWrites.set(status);
		if (this.writing.compareAndSet(false, true) || this.held.compareAndSet(true, false)) {
			writeQueued();
		}
		// Else the write under way closes once it finds the queue empty.
	}

	/**
	 * Called by the one thread that holds {@link #writing}: writes frames until one is
	 * not done at once, whose completion goes on from there; else lets go of
	 * {@link #writing}. Each frame but the last of what is queued is written with more to
	 * follow, so that together they may go out in one write.
	 */
	private void writeQueued() {
		while (true) {
			if (holdWrites()) {
				return;
			}
			WebSocketMessage<?> message = this.givenUp ? null : this.queue.poll();
			if (message == null) {
				this.writing.set(false);
				// A frame queued after the poll and before the release has no writer yet.
				if (!this.givenUp && !this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
					continue;
				}
				closeIfAsked();
				return;
			}
			Write write = new Write(sizeOf(message));
			this.writeStartedMillis = System.currentTimeMillis();
			try {
				this.writer.write(message, this.queue.peek() != null, write);
			}
			catch (RuntimeException ex) {
				write.failed(ex);
			}
			if (!write.returned()) {
				return;
			}
		}
	}

	/**
	 * Whether the writes are held ({@link #pace}): then {@link #writing} stays taken, and
	 * a task at the hold's end, or a close before it, goes on writing.
	 */
	private boolean holdWrites() {
		long until = this.holdUntilNanos.get();
		if (until == 0 || this.closing.get() || this.givenUp) {
			return false;
		}
		long wait = until - System.nanoTime();
		TaskScheduler scheduler = this.resumer;
		if (wait <= 0 || scheduler == null) {
			return false;
		}
		this.held.set(true);
		scheduler.schedule(this::resumeHeld, Instant.now().plusNanos(wait));
		return true;
	}

	private void resumeHeld() {
		if (this.held.compareAndSet(true, false)) {
			writeQueued();
		}
	}

	private void closeIfAsked() {
		if (this.closeAfterWrites.get() == null) {
			return;
		}
		CloseStatus status = this.closeAfterWrites.getAndSet(null);
		if (status != null) {
			this.closeRequestedMillis = 0;
			try {
				super.close(status);
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Closing session " + getId() + " failed: " + ex.getMessage());
			}
		}
	}

	private @Nullable String overLimit() {
		if (this.closing.get()) {
			return null;
		}
		long writingFor = getTimeSinceSendStarted();
		if (writingFor > getSendTimeLimit()) {
			return "a write has been pending for " + writingFor + " ms, over the limit of " + getSendTimeLimit();
		}
		long queued = this.queuedBytes.get();
		if (queued > getBufferSizeLimit()) {
			return queued + " bytes wait to be written, over the limit of " + getBufferSizeLimit();
		}
		return null;
	}

	private void giveUp(String reason) {
		this.givenUp = true;
		if (this.closing.compareAndSet(false, true)) {
			dropQueued();
			if (logger.isDebugEnabled()) {
				logger.debug("Closing session " + getId() + " as too slow: " + reason);
			}
			closeOffThread(CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	private void dropQueued() {
		WebSocketMessage<?> dropped;
		while ((dropped = this.queue.poll()) != null) {
			this.queuedBytes.addAndGet(-sizeOf(dropped));
		}
	}

	/**
	 * Closes on a thread of its own: a transport may write its close frame in the
	 * caller's thread (SockJS does). The close frame waits behind the pending write, so
	 * the connection is dropped if it is still open after {@link #CLOSE_WAIT_MS}.
	 */
	private void closeOffThread(CloseStatus status) {
		Thread.ofVirtual().name("stompbox-close-" + getId()).start(() -> closeOrDrop(status));
	}

	private void closeOrDrop(CloseStatus status) {
		try {
			getDelegate().close(status);
			long deadline = System.currentTimeMillis() + CLOSE_WAIT_MS;
			while (isOpen() && System.currentTimeMillis() < deadline) {
				Thread.sleep(CLOSE_POLL_MS);
			}
			if (isOpen()) {
				CloseCodes.abortedAfterClose(getAttributes(), status);
				TransportAbort.abort(this);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing session " + getId() + " failed: " + ex.getMessage());
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

	/**
	 * One frame's write. Whichever comes second, the write's completion or the writer's
	 * return from {@code write}, goes on with the next frame: the writer's thread when
	 * the frame was written at once, else the thread that learned it was written.
	 */
	private final class Write implements FrameWriter.Written {

		private final long size;

		private final AtomicInteger ends = new AtomicInteger();

		Write(long size) {
			this.size = size;
		}

		@Override
		public void succeeded() {
			done();
		}

		@Override
		public void failed(Throwable failure) {
			// The connection is gone: what is queued can never be written.
			logger.debug("Writing to session " + getId() + " failed: " + failure.getMessage());
			SendBuffer.this.givenUp = true;
			dropQueued();
			done();
		}

		/**
		 * @return whether the write was done already, so the writer goes on with the next
		 */
		boolean returned() {
			return this.ends.incrementAndGet() == 2;
		}

		private void done() {
			SendBuffer.this.writeStartedMillis = 0;
			SendBuffer.this.queuedBytes.addAndGet(-this.size);
			if (this.ends.incrementAndGet() == 2) {
				writeQueued();
			}
		}

	}

}
