package dev.stompbox.security.jwt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How client and backend tokens are verified: with an HS256 secret or with the keys of a
 * JWKS address. With neither, the server runs only in demo mode ({@link DemoProperties}).
 *
 * @param secret HS256 key: the UTF-8 bytes of this value, at least 32 of them
 * @param jwksUri JWKS address for RS256 and ES256 keys
 * @param issuer required {@code iss}, when set
 * @param audience required {@code aud}, when set
 * @param clockSkew clock skew allowed when a token is checked, at most 60 s
 */
@ConfigurationProperties("stompbox.jwt")
@Validated
public record JwtProperties(@Nullable String secret, @Nullable URI jwksUri, @Nullable String issuer,
		@Nullable String audience,
		@DefaultValue("10s") @NotNull @DurationMin(seconds = 0) @DurationMax(seconds = 60) Duration clockSkew) {

	public static final int MIN_SECRET_BYTES = 32;

	public JwtProperties {
		secret = blankToNull(secret);
		issuer = blankToNull(issuer);
		audience = blankToNull(audience);
		if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
			throw new IllegalArgumentException(
					"STOMPBOX_JWT_SECRET (stompbox.jwt.secret) must be at least " + MIN_SECRET_BYTES + " bytes");
		}
		if (secret != null && ExampleSecrets.isExample(secret)) {
			throw new IllegalArgumentException("STOMPBOX_JWT_SECRET (stompbox.jwt.secret) is an example value: anyone "
					+ "could sign tokens with it. Generate a key, for example with: openssl rand -base64 48");
		}
		if (secret != null && jwksUri != null) {
			throw new IllegalArgumentException(
					"Set either STOMPBOX_JWT_SECRET or STOMPBOX_JWT_JWKS_URI, not both: the algorithm is pinned to one");
		}
	}

	/** Whether a key to verify tokens with is configured, a secret or a JWKS address. */
	public boolean hasKey() {
		return this.secret != null || this.jwksUri != null;
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
