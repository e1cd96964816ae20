package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;

/**
 * The per-session send buffers of this instance: every write to a session goes through
 * its buffer ({@link TopicFanout} finds them here), and the outbound buffer gauges read
 * them. Read only when metrics are scraped, so the sums are taken then rather than kept
 * up per send.
 * <p>
 * It also holds the limits of PROTOCOL.md section 6: a connection that does not read what
 * it is sent (512 KiB queued, or one write pending for 10 s) is cut off. A buffer checks
 * them when a frame is queued behind a pending write; a sweep, a few times per time
 * limit, checks every buffer, so that a write pending in a quiet room, or to a client
 * with heart-beats off, is cut off too. The time limit is not an operator setting; tests
 * shorten it with {@code stompbox.internal.send-time-limit}.
 */
@Component
public class SendBuffers implements DisposableBean {

	/** Bytes that may wait for one session, the message being written included. */
	public static final int BUFFER_SIZE_LIMIT = 512 * 1024;

	private static final Duration LONGEST_SWEEP_PERIOD = Duration.ofSeconds(1);

	private final Map<String, SendBuffer> sessions = new ConcurrentHashMap<>();

	private final int sendTimeLimitMs;

	private final ScheduledFuture<?> sweep;

	private final TaskScheduler scheduler;

	private final Duration longestHold;

	SendBuffers(TaskScheduler stompboxScheduler,
			@Value("${stompbox.internal.send-time-limit:10s}") Duration sendTimeLimit,
			@Value("${stompbox.internal.longest-hold:2s}") Duration longestHold) {
		this.scheduler = stompboxScheduler;
		this.longestHold = longestHold;
		this.sendTimeLimitMs = (int) sendTimeLimit.toMillis();
		Duration period = sendTimeLimit.dividedBy(4);
		this.sweep = stompboxScheduler.scheduleAtFixedRate(this::sweep,
				(period.compareTo(LONGEST_SWEEP_PERIOD) < 0) ? period : LONGEST_SWEEP_PERIOD);
	}

	/**
	 * Makes the send buffer of a session that opened, through which every write to it
	 * goes.
	 */
	SendBuffer opened(WebSocketSession session) {
		SendBuffer buffer = new SendBuffer(session, this.sendTimeLimitMs, BUFFER_SIZE_LIMIT);
		this.sessions.put(buffer.getId(), buffer);
		return buffer;
	}

	/** The send buffer of an open session, through which every write to it goes. */
	public @Nullable SendBuffer get(String sessionId) {
		return this.sessions.get(sessionId);
	}

	/**
	 * Paces what is sent to a session that sends faster than it may
	 * ({@link SendBuffer#pace}): each refused frame holds its writes one {@code step}
	 * longer, never more than the longest hold (2 s) ahead, well within any heart-beat a
	 * client would ask for. Not an operator setting; tests shorten it with
	 * {@code stompbox.internal.longest-hold}.
	 */
	public void pace(String sessionId, Duration step) {
		SendBuffer buffer = this.sessions.get(sessionId);
		if (buffer != null) {
			buffer.pace(step, this.longestHold, this.scheduler);
		}
	}

	void closed(String sessionId) {
		this.sessions.remove(sessionId);
	}

	/**
	 * Bytes waiting to be written to all sessions, the message being written included.
	 */
	long totalBytes() {
		long total = 0;
		for (SendBuffer session : this.sessions.values()) {
			total += session.getBufferSize();
		}
		return total;
	}

	/** Bytes waiting to be written to the session with the most. */
	long largestBytes() {
		long largest = 0;
		for (SendBuffer session : this.sessions.values()) {
			largest = Math.max(largest, session.getBufferSize());
		}
		return largest;
	}

	/**
	 * Cuts off every session over a limit; reads two fields of each, so cheap for
	 * thousands.
	 */
	void sweep() {
		for (SendBuffer session : this.sessions.values()) {
			session.checkLimits();
		}
	}

	@Override
	public void destroy() {
		this.sweep.cancel(false);
	}

}
