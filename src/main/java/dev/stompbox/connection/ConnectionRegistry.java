package dev.stompbox.connection;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import dev.stompbox.error.StompboxException;
import dev.stompbox.session.SessionGate;

/**
 * The open WebSocket and SockJS sessions of this instance, and the line between a
 * session's life and its end: what a session leaves behind (a presence entry, a room's
 * interest, a subscription, a user route) is created only through {@link #whileOpen}, so
 * that nothing is created for a session once its end has begun. Spring handles a closed
 * connection's end before the frames it still had queued, and those frames' work
 * completes later still.
 */
@Component
public class ConnectionRegistry implements SessionGate {

	private static final Log logger = LogFactory.getLog(ConnectionRegistry.class);

	private final Map<String, Open> sessions = new ConcurrentHashMap<>();

	void opened(WebSocketSession session) {
		this.sessions.put(session.getId(), new Open(session));
	}

	/**
	 * The session ends: from now on {@link #whileOpen} refuses it. Returns once every
	 * action that was already running for it is done, so that the clean-up that follows
	 * sees all they created.
	 */
	void closed(WebSocketSession session) {
		Open open = this.sessions.remove(session.getId());
		if (open != null) {
			synchronized (open) {
				open.ended = true;
			}
		}
	}

	/**
	 * Runs the action, which creates state owned by the session, if and only if the
	 * session is open, atomically with respect to its end. The action must not block: it
	 * runs under the session's lock.
	 * @return whether the session was open and the action ran
	 */
	@Override
	public boolean whileOpen(String sessionId, Runnable action) {
		Open open = this.sessions.get(sessionId);
		if (open == null) {
			return false;
		}
		synchronized (open) {
			if (open.ended) {
				return false;
			}
			action.run();
			return true;
		}
	}

	public boolean isOpen(String sessionId) {
		return this.sessions.containsKey(sessionId);
	}

	public int count() {
		return this.sessions.size();
	}

	public Collection<String> sessionIds() {
		return List.copyOf(this.sessions.keySet());
	}

	/**
	 * The open session as {@link ConnectionGuard} registered it; {@code null} once it has
	 * ended.
	 */
	@Nullable WebSocketSession session(String sessionId) {
		Open open = this.sessions.get(sessionId);
		return (open != null) ? open.session : null;
	}

	/**
	 * Ends an open session of this instance for a failure found outside the STOMP
	 * handler: the ERROR frame for it, then the close with its code's close code.
	 * @return whether the session is open here
	 */
	public boolean refuse(String sessionId, StompboxException error) {
		if (!(session(sessionId) instanceof CloseCodeSession session)) {
			return false;
		}
		session.refuse(error);
		return true;
	}

	/** Closes one session with the given status; a no-op when it is already gone. */
	public void close(String sessionId, CloseStatus status) {
		Open open = this.sessions.get(sessionId);
		if (open == null) {
			return;
		}
		try {
			open.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing session " + sessionId + " failed: " + ex.getMessage());
		}
	}

	private static final class Open {

		private final WebSocketSession session;

		private boolean ended;

		Open(WebSocketSession session) {
			this.session = session;
		}

	}

}
