package dev.stompbox.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHttpHeaders;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.security.TokenChecks.assertConnectedAs;
import static dev.stompbox.security.TokenChecks.assertRefused;
import static dev.stompbox.security.Tokens.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * PROTOCOL.md section 2 with an HS256 secret: where a token may be carried, and every way
 * a token can be bad, refused with 401 at the handshake and with an ERROR frame
 * {@code unauthorized} and close 1008 at CONNECT.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class TokenAuthenticationIntegrationTests {

	private static final int POLICY_VIOLATION = CloseStatus.POLICY_VIOLATION.getCode();

	@LocalServerPort
	int port;

	/** Tokens that are present but must not authenticate anyone. */
	static Stream<Arguments> invalidTokens() {
		String valid = TestTokens.forUser("alice");
		String[] parts = valid.split("\\.");
		String otherPayload = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(TestTokens.builder("admin").claimsSet().toString().getBytes(StandardCharsets.UTF_8));
		return Stream.of(named("garbage", "not-a-jwt"), named("three parts of garbage", "abc.def.ghi"),
				named("signed with the wrong key",
						TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign()),
				named("claims changed after signing", parts[0] + "." + otherPayload + "." + parts[2]),
				named("alg none", TestTokens.builder("alice").unsigned()),
				named("alg none with the valid token's signature", TestTokens.builder("alice").unsigned() + parts[2]),
				named("HS256 signed with an RSA public key (algorithm confusion)",
						Tokens.hs256WithPublicKeyDer(Tokens.newRsaKey("rsa-1"), Tokens.claims("alice").build())),
				named("RS256 where the server expects HS256",
						Tokens.rs256(Tokens.newRsaKey("rsa-1"), Tokens.claims("alice").build())),
				named("expired beyond the clock skew",
						TestTokens.builder("alice").expiresIn(Duration.ofSeconds(-30)).sign()),
				named("missing sub",
						Tokens.hs256(new JWTClaimsSet.Builder().expirationTime(Tokens.inSeconds(3600))
							.claim("name", "Alice")
							.build())),
				named("blank sub", Tokens.hs256(Tokens.claims(" ").build())),
				named("sub over 128 characters", Tokens.hs256(Tokens.claims("a".repeat(129)).build())),
				named("missing exp", TestTokens.builder("alice").noExpiry().sign()),
				named("the reserved user id server", TestTokens.forUser("server")),
				named("a reserved user id server:*", TestTokens.forUser("server:api")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void handshakeWithInvalidTokenInAuthorizationHeaderIsRefusedWith401(String token) {
		assertThat(Handshakes.to(this.port, "/ws").bearer(token).status()).isEqualTo(401);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void handshakeWithInvalidTokenInAccessTokenParameterIsRefusedWith401(String token) {
		assertThat(Handshakes.to(this.port, "/ws?access_token=" + token).status()).isEqualTo(401);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void connectWithInvalidTokenInAuthorizationHeaderGetsUnauthorizedErrorAndClose1008(String token) {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertRefused(connection, connection.connect(token), token);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void connectWithInvalidTokenInPasscodeGetsUnauthorizedErrorAndClose1008(String token) {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertRefused(connection, connection.connectWith("login:alice", "passcode:" + token), token);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/ws", "/sockjs" })
	void connectWithoutAnyTokenGetsUnauthorizedErrorAndClose1008(String endpoint) {
		try (RawStompSocket connection = RawStompSocket.open(this.port, endpoint)) {
			assertRefused(connection, connection.connectWith(), "");
		}
	}

	@Test
	void connectWithAnAuthorizationHeaderThatIsNotBearerGetsUnauthorizedErrorAndClose1008() {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertRefused(connection, connection.connectWith("Authorization:Basic YWxpY2U6c2VjcmV0"),
					"YWxpY2U6c2VjcmV0");
		}
	}

	@Test
	void handshakeWithoutTokenIsUpgradedSoTheClientCanAuthenticateInConnect() {
		assertThat(Handshakes.to(this.port, "/ws").status()).isEqualTo(101);
	}

	@Test
	void validTokenInHandshakeAuthorizationHeaderIsUpgradedAndAuthenticatesTheConnection() {
		String token = TestTokens.forUser("alice");
		assertThat(Handshakes.to(this.port, "/ws").bearer(token).status()).isEqualTo(101);
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBearerAuth(token);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws", handshake)) {
			assertConnectedAs("alice", connection.connectWith());
		}
	}

	@Test
	void validTokenInAccessTokenParameterIsUpgradedAndAuthenticatesTheConnection() {
		String token = TestTokens.forUser("alice");
		assertThat(Handshakes.to(this.port, "/ws?access_token=" + token).status()).isEqualTo(101);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws?access_token=" + token)) {
			assertConnectedAs("alice", connection.connectWith());
		}
	}

	@Test
	void validTokenInConnectAuthorizationHeaderAuthenticatesTheConnection() {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertConnectedAs("alice", connection.connect(TestTokens.forUser("alice")));
		}
	}

	@Test
	void validBareTokenInPasscodeAuthenticatesTheConnection() {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertConnectedAs("alice",
					connection.connectWith("login:ignored", "passcode:" + TestTokens.forUser("alice")));
		}
	}

	@Test
	void validTokenInEachPlaceWorksWithTheStompClientLibrary() {
		String token = TestTokens.builder("alice").name("Alice").sign();
		WebSocketHttpHeaders header = new WebSocketHttpHeaders();
		header.setBearerAuth(token);
		StompHeaders passcode = new StompHeaders();
		passcode.setPasscode(token);
		try (StompTestClient viaHeader = StompTestClient.connect(this.port, Transport.WEBSOCKET, header,
				new StompHeaders(), "");
				StompTestClient viaQuery = StompTestClient.connect(this.port, Transport.WEBSOCKET,
						new WebSocketHttpHeaders(), new StompHeaders(), "?access_token=" + token);
				StompTestClient viaConnect = StompTestClient.connect(this.port, token);
				StompTestClient viaPasscode = StompTestClient.connect(this.port, Transport.WEBSOCKET,
						new WebSocketHttpHeaders(), passcode, "")) {
			for (StompTestClient client : new StompTestClient[] { viaHeader, viaQuery, viaConnect, viaPasscode }) {
				assertThat(client.join("lobby").path("ok").asBoolean()).isTrue();
			}
		}
	}

	@Test
	void tokenExpiredByLessThanTheClockSkewIsAcceptedAtHandshakeAndConnect() {
		String token = TestTokens.builder("alice").expiresIn(Duration.ofSeconds(-3)).sign();
		TokenChecks.assertHandshakesAnswer(this.port, token, 101);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertConnectedAs("alice", connection.connect(token));
			// No skew for an open connection: it is past exp already, so it is ended at
			// once.
			assertThat(connection.awaitClose(Duration.ofSeconds(5)).getCode()).isEqualTo(POLICY_VIOLATION);
		}
	}

	@Test
	void handshakeAuthorizationHeaderWinsOverAccessTokenParameter() {
		String forged = TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign();
		assertThat(Handshakes.to(this.port, "/ws?access_token=" + TestTokens.forUser("alice")).bearer(forged).status())
			.isEqualTo(401);
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBearerAuth(TestTokens.forUser("alice"));
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws?access_token=" + TestTokens.forUser("bob"),
				handshake)) {
			assertConnectedAs("alice", connection.connectWith());
		}
	}

	@Test
	void handshakeTokenWinsOverConnectToken() {
		WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
		handshake.setBearerAuth(TestTokens.forUser("alice"));
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws", handshake)) {
			assertConnectedAs("alice", connection.connect(TestTokens.forUser("bob")));
		}
	}

	@Test
	void connectAuthorizationHeaderWinsOverPasscode() {
		String forged = TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign();
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertRefused(connection,
					connection.connectWith("Authorization:Bearer " + forged, "passcode:" + TestTokens.forUser("bob")),
					forged);
		}
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			assertConnectedAs("alice", connection.connectWith("Authorization:Bearer " + TestTokens.forUser("alice"),
					"passcode:" + TestTokens.forUser("bob")));
		}
	}

	@Test
	void validConnectOverSockJsAuthenticatesTheConnection() {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/sockjs")) {
			assertConnectedAs("alice", connection.connect(TestTokens.forUser("alice")));
		}
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("alice"),
				Transport.SOCKJS)) {
			assertThat(client.join("lobby").path("ok").asBoolean()).isTrue();
		}
	}

	@Test
	void validAccessTokenParameterOverSockJsAuthenticatesTheConnection() {
		String token = TestTokens.forUser("alice");
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/sockjs?access_token=" + token)) {
			assertConnectedAs("alice", connection.connectWith());
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidTokens")
	void connectOverSockJsWithInvalidTokenGetsUnauthorizedErrorAndClose1008(String token) {
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/sockjs")) {
			assertRefused(connection, connection.connect(token), token);
		}
	}

	@Test
	void sockJsHandshakeWithInvalidAccessTokenParameterIsRefusedWith401() {
		String forged = TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign();
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket() + "?access_token=" + forged).status())
			.isEqualTo(401);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).bearer(forged).status()).isEqualTo(401);
		assertThat(
				Handshakes.to(this.port, Handshakes.sockJsWebSocket() + "?access_token=" + TestTokens.forUser("alice"))
					.status())
			.isEqualTo(101);
	}

	@Test
	void stompClientLibraryCannotConnectWithAnInvalidTokenOverEitherEndpoint() {
		String forged = TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign();
		for (Transport transport : new Transport[] { Transport.WEBSOCKET, Transport.SOCKJS }) {
			assertThatIllegalStateException().isThrownBy(() -> StompTestClient.connect(this.port, forged, transport));
		}
	}

	@Test
	void demoTokenEndpointIsNotFoundWhenASecretIsConfigured() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/auth/demo-token"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"alice\",\"name\":\"Alice\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).doesNotContain("token\":\"ey");
	}

}
