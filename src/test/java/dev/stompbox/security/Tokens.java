package dev.stompbox.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

import dev.stompbox.support.TestTokens;

/**
 * The tokens of the authentication matrix that {@link TestTokens} does not mint: signed
 * with RSA and EC keys, with a claim missing, or forged in ways attackers try.
 */
final class Tokens {

	private Tokens() {
	}

	static RSAKey newRsaKey(String keyId) {
		try {
			return new RSAKeyGenerator(2048).keyID(keyId).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static ECKey newEcKey(String keyId) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Claims valid for an hour for {@code userId}. */
	static JWTClaimsSet.Builder claims(String userId) {
		return new JWTClaimsSet.Builder().subject(userId).expirationTime(inSeconds(3600));
	}

	static Date inSeconds(long seconds) {
		return Date.from(Instant.now().plus(Duration.ofSeconds(seconds)));
	}

	static String rs256(RSAKey key, JWTClaimsSet claims) {
		return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims,
				() -> new RSASSASigner(key));
	}

	static String es256(ECKey key, JWTClaimsSet claims) {
		return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims,
				() -> new ECDSASigner(key));
	}

	static String hs256(byte[] key, JWTClaimsSet claims) {
		return hs256(new JWSHeader(JWSAlgorithm.HS256), key, claims);
	}

	static String hs256(JWSHeader header, byte[] key, JWTClaimsSet claims) {
		return sign(header, claims, () -> new MACSigner(key));
	}

	/** HS256 with the test secret, the key the HS256-configured server uses. */
	static String hs256(JWTClaimsSet claims) {
		return hs256(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8), claims);
	}

	/**
	 * Algorithm confusion: HS256 with the RSA public key as the HMAC secret, in the X.509
	 * DER form a naive verifier would use when it takes "the key" whatever the algorithm.
	 */
	static String hs256WithPublicKeyDer(RSAKey key, JWTClaimsSet claims) {
		try {
			return hs256(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
					key.toRSAPublicKey().getEncoded(), claims);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Algorithm confusion with the public key in PEM, as it would be published. */
	static String hs256WithPublicKeyPem(RSAKey key, JWTClaimsSet claims) {
		try {
			String pem = "-----BEGIN PUBLIC KEY-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
						.encodeToString(key.toRSAPublicKey().getEncoded())
					+ "\n-----END PUBLIC KEY-----\n";
			return hs256(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
					pem.getBytes(StandardCharsets.US_ASCII), claims);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A token with the claims and {@code alg: none}, no signature. */
	static String unsigned(JWTClaimsSet claims) {
		return new com.nimbusds.jwt.PlainJWT(claims).serialize();
	}

	/**
	 * A test case of a parameterized test: the token, named for what is wrong with it.
	 */
	static Arguments named(String name, String token) {
		return Arguments.of(Named.of(name, token));
	}

	private static String sign(JWSHeader header, JWTClaimsSet claims, Signer signer) {
		try {
			SignedJWT jwt = new SignedJWT(header, claims);
			jwt.sign(signer.create());
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Makes the signer, which may fail for the key. */
	private interface Signer {

		JWSSigner create() throws JOSEException;

	}

}
