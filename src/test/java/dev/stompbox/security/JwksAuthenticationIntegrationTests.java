package dev.stompbox.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.socket.WebSocketHttpHeaders;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.security.Tokens.named;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2 with {@code STOMPBOX_JWT_JWKS_URI}: RS256 and ES256 tokens
 * verified against keys served as a JWKS; anything else, HS256 included, refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JwksAuthenticationIntegrationTests {

	static final RSAKey RSA = Tokens.newRsaKey("rsa-1");

	static final ECKey EC = Tokens.newEcKey("ec-1");

	private static HttpServer jwks;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void jwksUri(DynamicPropertyRegistry registry) throws IOException {
		jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		byte[] keys = new JWKSet(List.<JWK>of(RSA.toPublicJWK(), EC.toPublicJWK())).toString()
			.getBytes(StandardCharsets.UTF_8);
		jwks.createContext("/.well-known/jwks.json", (exchange) -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, keys.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(keys);
			}
		});
		jwks.start();
		registry.add("stompbox.jwt.jwks-uri",
				() -> "http://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json");
	}

	@AfterAll
	static void stopJwks() {
		jwks.stop(0);
	}

	static Stream<Arguments> validTokens() {
		return Stream.of(named("RS256", Tokens.rs256(RSA, Tokens.claims("alice").build())),
				named("ES256", Tokens.es256(EC, Tokens.claims("alice").build())),
				named("RS256 without kid", rs256WithoutKeyId()));
	}

	static Stream<Arguments> invalidTokens() throws Exception {
		RSAKey otherRsa = Tokens.newRsaKey("rsa-1");
		ECKey otherEc = Tokens.newEcKey("ec-1");
		return Stream.of(named("HS256 with a shared secret", TestTokens.forUser("alice")),
				named("HS256 signed with the served RSA public key (DER)",
						Tokens.hs256WithPublicKeyDer(RSA, Tokens.claims("alice").build())),
				named("HS256 signed with the served RSA public key (PEM)",
						Tokens.hs256WithPublicKeyPem(RSA, Tokens.claims("alice").build())),
				named("HS256 signed with the served JWK's JSON",
						Tokens.hs256(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
								RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
								Tokens.claims("alice").build())),
				named("alg none", Tokens.unsigned(Tokens.claims("alice").build())),
				named("RS256 by another key with the served kid",
						Tokens.rs256(otherRsa, Tokens.claims("alice").build())),
				named("ES256 by another key with the served kid",
						Tokens.es256(otherEc, Tokens.claims("alice").build())),
				named("RS256 carrying its own key in the jwk header", rs256WithEmbeddedKey(otherRsa)),
				named("RS256 expired beyond the clock skew",
						Tokens.rs256(RSA, Tokens.claims("alice").expirationTime(Tokens.inSeconds(-30)).build())),
				named("RS256 without exp", Tokens.rs256(RSA, Tokens.claims("alice").expirationTime(null).build())),
				named("ES256 without sub", Tokens.es256(EC, Tokens.claims("alice").subject(null).build())));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validTokens")
	void validTokenIsAcceptedAtHandshakeAndConnect(String token) {
		TokenChecks.assertHandshakesAnswer(this.port, token, 101);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			TokenChecks.assertConnectedAs("alice", connection.connect(token));
		}
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			TokenChecks.assertConnectedAs("alice", connection.connectWith("passcode:" + token));
		}
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBearerAuth(token);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/sockjs", handshake)) {
			TokenChecks.assertConnectedAs("alice", connection.connectWith());
		}
	}

	@Test
	void rs256AndEs256ClientsShareRooms() {
		try (StompTestClient rsa = StompTestClient.connect(this.port,
				Tokens.rs256(RSA, Tokens.claims("alice").build()));
				StompTestClient ec = StompTestClient.connect(this.port,
						Tokens.es256(EC, Tokens.claims("bob").build()))) {
			assertThat(rsa.join("jwks-room").path("ok").asBoolean()).isTrue();
			assertThat(ec.join("jwks-room").path("members").toString()).contains("alice", "bob");
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void invalidTokenIsRefusedWith401AtTheHandshake(String token) {
		TokenChecks.assertHandshakesAnswer(this.port, token, 401);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void invalidTokenIsRefusedAtConnectWithUnauthorizedAndClose1008(String token) {
		TokenChecks.assertRefusedAtConnect(this.port, token);
	}

	private static String rs256WithoutKeyId() {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), Tokens.claims("alice").build());
			jwt.sign(new RSASSASigner(RSA));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String rs256WithEmbeddedKey(RSAKey attacker) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(attacker.toPublicJWK()).build(),
					Tokens.claims("alice").build());
			jwt.sign(new RSASSASigner(attacker));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
