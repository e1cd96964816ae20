package dev.stompbox.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints tokens for tests, good and bad, signed with {@link #SECRET} unless told
 * otherwise.
 */
public final class TestTokens {

	/** The HS256 secret the tests configure: {@code stompbox.jwt.secret}. */
	public static final String SECRET = "test-secret-that-is-at-least-32-bytes-long!";

	public static final String SECRET_PROPERTY = "stompbox.jwt.secret=" + SECRET;

	private TestTokens() {
	}

	public static String forUser(String userId) {
		return builder(userId).sign();
	}

	/**
	 * What a Prometheus scraper's token carries: scope {@code stompbox:metrics} and
	 * nothing else.
	 */
	public static String scraper() {
		return builder("prometheus").scope("stompbox:metrics").sign();
	}

	public static Builder builder(String userId) {
		return new Builder(userId);
	}

	public static final class Builder {

		private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();

		private String secret = SECRET;

		Builder(String userId) {
			this.claims.subject(userId).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
		}

		public Builder name(String name) {
			this.claims.claim("name", name);
			return this;
		}

		public Builder rooms(String... patterns) {
			this.claims.claim("rooms", List.of(patterns));
			return this;
		}

		public Builder scope(String scope) {
			this.claims.claim("scope", scope);
			return this;
		}

		public Builder expiresIn(Duration duration) {
			this.claims.expirationTime(Date.from(Instant.now().plus(duration)));
			return this;
		}

		public Builder noExpiry() {
			this.claims.expirationTime(null);
			return this;
		}

		public Builder issuer(String issuer) {
			this.claims.issuer(issuer);
			return this;
		}

		public Builder audience(String audience) {
			this.claims.audience(audience);
			return this;
		}

		public Builder claims(Map<String, Object> extra) {
			extra.forEach(this.claims::claim);
			return this;
		}

		public Builder secret(String secret) {
			this.secret = secret;
			return this;
		}

		public String sign() {
			return sign(this.secret.getBytes(StandardCharsets.UTF_8));
		}

		public String sign(byte[] key) {
			try {
				SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), this.claims.build());
				jwt.sign(new MACSigner(key));
				return jwt.serialize();
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** The same claims with {@code alg: none} and no signature. */
		public String unsigned() {
			return new PlainJWT(this.claims.build()).serialize();
		}

		public JWTClaimsSet claimsSet() {
			return this.claims.build();
		}

	}

}
