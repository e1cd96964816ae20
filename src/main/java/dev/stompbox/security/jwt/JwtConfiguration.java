package dev.stompbox.security.jwt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * One {@link JwtDecoder} for WebSocket clients and the server API, its algorithm pinned
 * by the kind of key configured, so {@code alg: none} and algorithm confusion always
 * fail.
 */
@Configuration(proxyBeanMethods = false)
class JwtConfiguration {

	private static final Log logger = LogFactory.getLog(JwtConfiguration.class);

	/**
	 * Keys are fetched while a handshake or a CONNECT waits: a JWKS address that accepts
	 * the connection and never answers must not hold them. Set here rather than left to
	 * the library's defaults, which have changed between versions (none at all in older
	 * ones).
	 */
	static final Duration JWKS_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	static final Duration JWKS_READ_TIMEOUT = Duration.ofSeconds(2);

	@Bean
	SigningMode signingMode(JwtProperties properties, DemoProperties demo, ObjectProvider<DemoKeySource> sharedKey) {
		if (properties.hasKey()) {
			if (demo.demo()) {
				// The safe reading of both: nobody gets a token the key did not sign.
				// This is also
				// what `./mvnw spring-boot:run`, which turns demo mode on, does with a
				// key set.
				logger.warn("STOMPBOX_DEMO=true is ignored: a key is configured (STOMPBOX_JWT_SECRET or "
						+ "STOMPBOX_JWT_JWKS_URI), so tokens are verified with it and /auth/demo-token is off.");
			}
			return new SigningMode(null);
		}
		if (!demo.demo()) {
			throw SigningKeyException.missing();
		}
		logger.warn("STOMPBOX_DEMO=true: running in DEMO MODE. Anyone can get a token from POST /auth/demo-token. "
				+ "Do not use this in production.");
		byte[] key = sharedKey.getIfAvailable(() -> JwtConfiguration::randomKey).key();
		return new SigningMode(new SecretKeySpec(key, "HmacSHA256"));
	}

	private static byte[] randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

	/**
	 * The decoder, for the server API's resource server as for the handshake and CONNECT.
	 * A token that cannot be verified because the key set could not be fetched is refused
	 * as an invalid one: the resource server would otherwise answer 500 (it rethrows what
	 * is not a {@link BadJwtException}), and a client cannot tell the difference that
	 * matters to it.
	 */
	@Bean
	JwtDecoder jwtDecoder(JwtProperties properties, SigningMode signingMode) {
		NimbusJwtDecoder nimbus = nimbusDecoder(properties, signingMode);
		return (token) -> {
			try {
				return nimbus.decode(token);
			}
			catch (BadJwtException ex) {
				throw ex;
			}
			catch (JwtException ex) {
				throw new BadJwtException("The token could not be verified: " + ex.getMessage(), ex);
			}
		};
	}

	private static NimbusJwtDecoder nimbusDecoder(JwtProperties properties, SigningMode signingMode) {
		NimbusJwtDecoder decoder;
		if (properties.jwksUri() != null) {
			decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwksUri().toString())
				.jwsAlgorithm(SignatureAlgorithm.RS256)
				.jwsAlgorithm(SignatureAlgorithm.ES256)
				.restOperations(jwksClient())
				.build();
		}
		else {
			SecretKey key = signingMode.demoKey() != null ? signingMode.demoKey()
					: new SecretKeySpec(properties.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
			decoder = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
		}
		decoder.setJwtValidator(validator(properties));
		return decoder;
	}

	private static RestTemplate jwksClient() {
		SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
		requests.setConnectTimeout(JWKS_CONNECT_TIMEOUT);
		requests.setReadTimeout(JWKS_READ_TIMEOUT);
		return new RestTemplate(requests);
	}

	private static OAuth2TokenValidator<Jwt> validator(JwtProperties properties) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
		timestamps.setAllowEmptyExpiryClaim(false);
		validators.add(timestamps);
		validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB, UserIds::isValid));
		if (properties.issuer() != null) {
			validators.add(new JwtIssuerValidator(properties.issuer()));
		}
		if (properties.audience() != null) {
			validators.add(new JwtAudienceValidator(properties.audience()));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

}
