package dev.stompbox.security;

import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import dev.stompbox.error.StompboxException;
import dev.stompbox.session.SockJsRequest;

/**
 * Refuses a handshake that carries a bad token with 401 before the upgrade. A handshake
 * without a token passes: the client may authenticate in its CONNECT frame. A SockJS
 * session opened with a token belongs to the token's user from then on
 * ({@link SockJsSessionOwners}).
 */
@Component
public class TokenHandshakeInterceptor implements HandshakeInterceptor {

	/** Session attribute holding the client authenticated at the handshake. */
	static final String AUTHENTICATION = "stompbox.handshakeAuthentication";

	/** Request attribute holding the token a SockJS session is being opened with. */
	private static final String OPENING_TOKEN = TokenHandshakeInterceptor.class.getName() + ".token";

	private final TokenVerifier verifier;

	private final SockJsSessionOwners owners;

	TokenHandshakeInterceptor(TokenVerifier verifier, SockJsSessionOwners owners) {
		this.verifier = verifier;
		this.owners = owners;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		Optional<String> token = BearerTokens.fromHandshake(request);
		if (token.isEmpty()) {
			return true;
		}
		try {
			ClientAuthentication client = this.verifier.verify(token.get());
			attributes.put(AUTHENTICATION, client);
			if (request instanceof ServletServerHttpRequest servlet) {
				servlet.getServletRequest().setAttribute(OPENING_TOKEN, new Opening(client.getName(), token.get()));
			}
			return true;
		}
		catch (StompboxException ex) {
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			return false;
		}
	}

	/**
	 * Once the SockJS session exists (the opening request succeeded), it is the token's
	 * user's.
	 */
	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
		if (exception != null || !(request instanceof ServletServerHttpRequest servlet)
				|| !(servlet.getServletRequest().getAttribute(OPENING_TOKEN) instanceof Opening opening)) {
			return;
		}
		if (response instanceof ServletServerHttpResponse servletResponse
				&& servletResponse.getServletResponse().getStatus() >= 400) {
			return;
		}
		SockJsRequest sockJs = SockJsRequest.of(servlet.getServletRequest());
		if (sockJs != null) {
			this.owners.opened(sockJs.sessionId(), opening.userId(), opening.token());
		}
	}

	private record Opening(String userId, String token) {

	}

}
