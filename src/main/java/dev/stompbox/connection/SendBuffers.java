package dev.stompbox.connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * The per-session send buffers of this instance, read by the outbound buffer gauges. Read
 * only when metrics are scraped, so the sums are taken then rather than kept up per send.
 */
@Component
class SendBuffers {

	private final Map<String, ConcurrentWebSocketSessionDecorator> sessions = new ConcurrentHashMap<>();

	void opened(ConcurrentWebSocketSessionDecorator session) {
		this.sessions.put(session.getId(), session);
	}

	void closed(String sessionId) {
		this.sessions.remove(sessionId);
	}

	/** Bytes waiting to be written to all sessions, the message being written included. */
	long totalBytes() {
		long total = 0;
		for (ConcurrentWebSocketSessionDecorator session : this.sessions.values()) {
			total += session.getBufferSize();
		}
		return total;
	}

	/** Bytes waiting to be written to the session with the most. */
	long largestBytes() {
		long largest = 0;
		for (ConcurrentWebSocketSessionDecorator session : this.sessions.values()) {
			largest = Math.max(largest, session.getBufferSize());
		}
		return largest;
	}

}
