package dev.stompbox.security;

import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.stereotype.Component;

import dev.stompbox.error.ErrorCode;

/**
 * Authenticates a STOMP {@code CONNECT}: with the client the handshake authenticated,
 * else the frame's {@code Authorization} or {@code passcode} header. Without a valid
 * token the connection gets an ERROR frame {@code unauthorized} and is closed.
 */
@Component
public class ConnectAuthenticationInterceptor implements ChannelInterceptor {

	private final TokenVerifier verifier;

	private final SockJsSessionOwners owners;

	ConnectAuthenticationInterceptor(TokenVerifier verifier, SockJsSessionOwners owners) {
		this.verifier = verifier;
		this.owners = owners;
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
		if (accessor == null
				|| accessor.getCommand() != StompCommand.CONNECT && accessor.getCommand() != StompCommand.STOMP) {
			return message;
		}
		Optional<String> token = BearerTokens.fromConnect(accessor);
		// Spring logs a frame it could not deliver whole and hides only passcode itself:
		// the token must not stay in the frame's Authorization header.
		accessor.removeNativeHeader(HttpHeaders.AUTHORIZATION);
		ClientAuthentication client = authenticate(accessor, token);
		accessor.setUser(client);
		if (accessor.getSessionId() != null) {
			// A SockJS session opened without a token is the CONNECT's user's from now
			// on.
			this.owners.connected(accessor.getSessionId(), client.getName());
		}
		return message;
	}

	private ClientAuthentication authenticate(StompHeaderAccessor connect, Optional<String> token) {
		Map<String, Object> attributes = connect.getSessionAttributes();
		if (attributes != null && attributes
			.get(TokenHandshakeInterceptor.AUTHENTICATION) instanceof ClientAuthentication authenticated) {
			return authenticated;
		}
		if (token.isEmpty()) {
			throw ErrorCode.UNAUTHORIZED.exception("A token is required");
		}
		return this.verifier.verify(token.get());
	}

}
