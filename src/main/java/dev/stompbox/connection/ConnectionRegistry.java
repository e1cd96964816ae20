package dev.stompbox.connection;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/** The open WebSocket and SockJS sessions of this instance. */
@Component
public class ConnectionRegistry {

	private static final Log logger = LogFactory.getLog(ConnectionRegistry.class);

	private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

	void opened(WebSocketSession session) {
		this.sessions.put(session.getId(), session);
	}

	void closed(WebSocketSession session) {
		this.sessions.remove(session.getId());
	}

	public int count() {
		return this.sessions.size();
	}

	public Collection<String> sessionIds() {
		return List.copyOf(this.sessions.keySet());
	}

	/** Closes one session with the given status; a no-op when it is already gone. */
	public void close(String sessionId, CloseStatus status) {
		WebSocketSession session = this.sessions.get(sessionId);
		if (session == null) {
			return;
		}
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing session " + sessionId + " failed: " + ex.getMessage());
		}
	}

}
