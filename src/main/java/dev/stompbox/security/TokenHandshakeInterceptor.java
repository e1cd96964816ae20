package dev.stompbox.security;

import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import dev.stompbox.error.StompboxException;

/**
 * Refuses a handshake that carries a bad token with 401 before the upgrade. A handshake
 * without a token passes: the client may authenticate in its CONNECT frame.
 */
@Component
public class TokenHandshakeInterceptor implements HandshakeInterceptor {

	/** Session attribute holding the client authenticated at the handshake. */
	static final String AUTHENTICATION = "stompbox.handshakeAuthentication";

	private final TokenVerifier verifier;

	TokenHandshakeInterceptor(TokenVerifier verifier) {
		this.verifier = verifier;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		Optional<String> token = BearerTokens.fromHandshake(request);
		if (token.isEmpty()) {
			return true;
		}
		try {
			attributes.put(AUTHENTICATION, this.verifier.verify(token.get()));
			return true;
		}
		catch (StompboxException ex) {
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			return false;
		}
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

}
