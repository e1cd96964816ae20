package dev.stompbox.security.jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.security.ClientIdentity;

/**
 * {@code POST /auth/demo-token}: hands anyone a token in demo mode, so the demo page and
 * a first experiment need no identity provider. Outside demo mode it answers 404.
 */
@RestController
class DemoTokenController {

	static final Duration LIFETIME = Duration.ofHours(12);

	private static final int MAX_NAME_LENGTH = 64;

	private final @Nullable JwtEncoder encoder;

	private final Clock clock;

	DemoTokenController(SigningMode signingMode, Clock clock) {
		this.encoder = signingMode.demo()
				? NimbusJwtEncoder.withSecretKey(signingMode.demoKey()).algorithm(MacAlgorithm.HS256).build() : null;
		this.clock = clock;
	}

	@PostMapping("/auth/demo-token")
	Map<String, String> token(@RequestBody(required = false) @Nullable DemoTokenRequest request) {
		if (this.encoder == null) {
			throw ErrorCode.NOT_FOUND.exception("Demo mode is off");
		}
		if (request == null || request.userId() == null || !UserIds.isValid(request.userId())) {
			throw ErrorCode.BAD_REQUEST.exception(
					"userId is required, at most 128 characters, and not 'server' or 'server:...', which are reserved");
		}
		String name = (request.name() == null || request.name().isBlank()) ? request.userId() : request.name().strip();
		if (name.length() > MAX_NAME_LENGTH) {
			throw ErrorCode.BAD_REQUEST.exception("name must be at most 64 characters");
		}
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(request.userId())
			.claim("name", name)
			.claim("scope", ClientIdentity.PUBLISH_SCOPE)
			.issuedAt(now)
			.expiresAt(now.plus(LIFETIME))
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).build();
		return Map.of("token", this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue());
	}

	record DemoTokenRequest(@Nullable String userId, @Nullable String name) {
	}

}
