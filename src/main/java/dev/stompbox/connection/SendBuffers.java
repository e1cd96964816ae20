package dev.stompbox.connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The per-session send buffers of this instance: every write to a session goes through its
 * buffer ({@link TopicFanout} finds them here), and the outbound buffer gauges read them. Read
 * only when metrics are scraped, so the sums are taken then rather than kept up per send.
 */
@Component
class SendBuffers {

	private final Map<String, SendBuffer> sessions = new ConcurrentHashMap<>();

	void opened(SendBuffer session) {
		this.sessions.put(session.getId(), session);
	}

	/** The send buffer of an open session, through which every write to it goes. */
	@Nullable SendBuffer get(String sessionId) {
		return this.sessions.get(sessionId);
	}

	void closed(String sessionId) {
		this.sessions.remove(sessionId);
	}

	/** Bytes waiting to be written to all sessions, the message being written included. */
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

}
