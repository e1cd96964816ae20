package dev.stompbox.connection;

import java.util.Map;

import org.springframework.context.Lifecycle;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Gives WebSocket sessions that need whole messages (SockJS reads each one as a JSON array)
 * a buffer that holds the largest allowed frame. The container allocates every session's
 * buffers up front at its default size, which is therefore kept small for {@code /ws}, where
 * frames arrive in parts; the container grows the buffer when the next message starts.
 */
class WholeMessageHandshakeHandler implements HandshakeHandler, Lifecycle {

	private final DefaultHandshakeHandler handshake = new DefaultHandshakeHandler();

	private final int bufferSize;

	WholeMessageHandshakeHandler(int bufferSize) {
		this.bufferSize = bufferSize;
	}

	@Override
	public boolean doHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		return this.handshake.doHandshake(request, response, new WebSocketHandlerDecorator(handler) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				session.setTextMessageSizeLimit(WholeMessageHandshakeHandler.this.bufferSize);
				session.setBinaryMessageSizeLimit(WholeMessageHandshakeHandler.this.bufferSize);
				super.afterConnectionEstablished(session);
			}

		}, attributes);
	}

	@Override
	public void start() {
		this.handshake.start();
	}

	@Override
	public void stop() {
		this.handshake.stop();
	}

	@Override
	public boolean isRunning() {
		return this.handshake.isRunning();
	}

}
