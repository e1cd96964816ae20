package dev.stompbox.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * One {@link JwtDecoder} for WebSocket clients and the server API, its algorithm pinned by
 * the kind of key configured, so {@code alg: none} and algorithm confusion always fail.
 */
@Configuration(proxyBeanMethods = false)
class JwtConfiguration {

	private static final Log logger = LogFactory.getLog(JwtConfiguration.class);

	static final int MAX_USER_ID_LENGTH = 128;

	@Bean
	SigningMode signingMode(JwtProperties properties, ObjectProvider<DemoKeySource> sharedKey) {
		if (!properties.demoMode()) {
			return new SigningMode(null);
		}
		logger.warn("No STOMPBOX_JWT_SECRET or STOMPBOX_JWT_JWKS_URI configured: running in DEMO MODE. "
				+ "Anyone can get a token from POST /auth/demo-token. Do not use this in production.");
		byte[] key = sharedKey.getIfAvailable(() -> JwtConfiguration::randomKey).key();
		return new SigningMode(new SecretKeySpec(key, "HmacSHA256"));
	}

	private static byte[] randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

	@Bean
	JwtDecoder jwtDecoder(JwtProperties properties, SigningMode signingMode) {
		NimbusJwtDecoder decoder;
		if (properties.jwksUri() != null) {
			decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwksUri().toString())
				.jwsAlgorithm(SignatureAlgorithm.RS256)
				.jwsAlgorithm(SignatureAlgorithm.ES256)
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

	private static OAuth2TokenValidator<Jwt> validator(JwtProperties properties) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
		timestamps.setAllowEmptyExpiryClaim(false);
		validators.add(timestamps);
		validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB,
				(sub) -> sub != null && !sub.isBlank() && sub.length() <= MAX_USER_ID_LENGTH));
		if (properties.issuer() != null) {
			validators.add(new JwtIssuerValidator(properties.issuer()));
		}
		if (properties.audience() != null) {
			validators.add(new JwtAudienceValidator(properties.audience()));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

}
