package dev.stompbox.security;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.ServletServerHttpRequest;

import dev.stompbox.error.StompboxException;

/**
 * What a request of a SockJS session presents to be let at the session, read and verified
 * where the request arrived, so the instance holding the session can judge it by
 * {@link SockJsSessionOwners#admits} without the token itself crossing Redis.
 *
 * @param tokenDigest SHA-256 of the request's token, {@code null} when it carries none
 * @param userId the token's user when it verifies, else {@code null}
 */
public record SockJsCredentials(byte @Nullable [] tokenDigest, @Nullable String userId) {

	/** Reads the request's token as a handshake's is read, and verifies it. */
	public static SockJsCredentials of(HttpServletRequest request, TokenVerifier verifier) {
		Optional<String> token = BearerTokens.fromHandshake(new ServletServerHttpRequest(request));
		if (token.isEmpty()) {
			return new SockJsCredentials(null, null);
		}
		return new SockJsCredentials(TokenDigest.of(token.get()), verifiedUser(verifier, token.get()));
	}

	static @Nullable String verifiedUser(TokenVerifier verifier, String token) {
		try {
			return verifier.verify(token).getName();
		}
		catch (StompboxException ex) {
			return null;
		}
	}

}
