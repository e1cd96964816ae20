package dev.stompbox.security;

import java.util.List;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Where a client may put its token (PROTOCOL.md section 2), in the order they are tried.
 */
final class BearerTokens {

	static final String QUERY_PARAMETER = "access_token";

	private static final String BEARER = "Bearer ";

	private BearerTokens() {
	}

	/**
	 * The handshake's {@code Authorization} header, else its {@code access_token}
	 * parameter.
	 */
	static Optional<String> fromHandshake(ServerHttpRequest request) {
		Optional<String> header = bearer(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
		if (header.isPresent()) {
			return header;
		}
		List<String> values = UriComponentsBuilder.fromUri(request.getURI())
			.build(true)
			.getQueryParams()
			.get(QUERY_PARAMETER);
		return (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank())
				? Optional.empty() : Optional.of(values.get(0));
	}

	/**
	 * The CONNECT frame's {@code Authorization} header, else a bare JWT in
	 * {@code passcode}.
	 */
	static Optional<String> fromConnect(StompHeaderAccessor connect) {
		Optional<String> header = bearer(connect.getFirstNativeHeader(HttpHeaders.AUTHORIZATION));
		if (header.isPresent()) {
			return header;
		}
		String passcode = connect.getPasscode();
		return (passcode == null || passcode.isBlank()) ? Optional.empty() : Optional.of(passcode.trim());
	}

	private static Optional<String> bearer(String header) {
		if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Optional.empty();
		}
		String token = header.substring(BEARER.length()).trim();
		return token.isEmpty() ? Optional.empty() : Optional.of(token);
	}

}
