package dev.stompbox.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

import dev.stompbox.error.ErrorCode;

/**
 * Turns a JWT into a {@link ClientAuthentication}, or fails with {@code unauthorized}. A
 * token verified lately is not verified again ({@link VerifiedTokens}).
 */
@Component
public class TokenVerifier {

	private final JwtDecoder decoder;

	private final VerifiedTokens verified;

	TokenVerifier(JwtDecoder decoder, Clock clock) {
		this.decoder = decoder;
		this.verified = new VerifiedTokens(clock);
	}

	public ClientAuthentication verify(String token) {
		return new ClientAuthentication(this.verified.verified(token, this::decode));
	}

	private ClientIdentity decode(String token) {
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtException ex) {
			// The message names what failed (signature, expiry, issuer), never the token.
			throw ErrorCode.UNAUTHORIZED.exception("Invalid token");
		}
		return identity(jwt);
	}

	static ClientIdentity identity(Jwt jwt) {
		String userId = jwt.getSubject();
		String name = jwt.hasClaim("name") ? String.valueOf(jwt.getClaims().get("name")) : userId;
		Instant expiresAt = jwt.getExpiresAt();
		return new ClientIdentity(userId, name, rooms(jwt.getClaims().get("rooms")),
				scopes(jwt.getClaims().get("scope")), expiresAt);
	}

	private static RoomAccess rooms(Object claim) {
		if (claim == null) {
			return RoomAccess.ANY;
		}
		if (claim instanceof Collection<?> values) {
			return RoomAccess.of(values.stream().map(String::valueOf).toList());
		}
		return RoomAccess.of(List.of(String.valueOf(claim).split("[\\s,]+")));
	}

	private static Set<String> scopes(Object claim) {
		if (claim == null) {
			return Set.of();
		}
		if (claim instanceof Collection<?> values) {
			return Set.copyOf(values.stream().map(String::valueOf).toList());
		}
		return Set.copyOf(Arrays.asList(String.valueOf(claim).trim().split("\\s+")));
	}

}
