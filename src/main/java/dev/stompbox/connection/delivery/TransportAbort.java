package dev.stompbox.connection.delivery;

import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * Drops a session's connection without the closing handshake. A WebSocket close is a
 * frame queued behind what is already queued, so for a client that stopped reading it is
 * never written, and Jetty keeps the connection until the close frame goes out.
 */
final class TransportAbort {

	private TransportAbort() {
	}

	/**
	 * @return whether the session was a Jetty WebSocket session, now aborted
	 */
	static boolean abort(WebSocketSession session) {
		WebSocketSession transport = WebSocketSessionDecorator.unwrap(session);
		if (transport instanceof NativeWebSocketSession nativeSession && nativeSession
			.getNativeSession(JakartaWebSocketSession.class) instanceof JakartaWebSocketSession jetty) {
			jetty.abort();
			return true;
		}
		return false;
	}

}
