package dev.stompbox.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.web.socket.WebSocketHttpHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2, demo mode: with {@code STOMPBOX_DEMO=true} and neither a secret
 * nor a JWKS address, anyone gets a token from {@code POST /auth/demo-token}, signed with
 * a key no one else knows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stompbox.jwt.secret=", "stompbox.jwt.jwks-uri=", "stompbox.demo=true" })
class DemoModeIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void demoTokenConnectsOverWebSocketAsTheUserItNames() throws Exception {
		HttpResponse<String> response = demoToken("{\"userId\":\"alice\",\"name\":\"Alice\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		String token = JSON.readTree(response.body()).path("token").asString();
		assertThat(token).isNotBlank();
		try (StompTestClient alice = StompTestClient.connect(this.port, token)) {
			JsonNode ack = alice.join("demo-room");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(ack.path("members").toString()).contains("\"userId\":\"alice\"").contains("\"name\":\"Alice\"");
		}
	}

	@Test
	void demoTokenWorksInEveryPlaceATokenMayBe() throws Exception {
		String token = JSON.readTree(demoToken("{\"userId\":\"bob\"}").body()).path("token").asString();
		TokenChecks.assertHandshakesAnswer(this.port, token, 101);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			TokenChecks.assertConnectedAs("bob", connection.connectWith("passcode:" + token));
		}
		try (StompTestClient overSockJs = StompTestClient.connect(this.port, token, Transport.SOCKJS);
				StompTestClient viaQuery = StompTestClient.connect(this.port, Transport.WEBSOCKET,
						new WebSocketHttpHeaders(), new StompHeaders(), "?access_token=" + token)) {
			assertThat(overSockJs.join("demo-room").path("ok").asBoolean()).isTrue();
			assertThat(viaQuery.join("demo-room").path("ok").asBoolean()).isTrue();
		}
	}

	@Test
	void demoTokenNamesTheUserAndExpires() throws Exception {
		String token = JSON.readTree(demoToken("{\"userId\":\"carol\",\"name\":\"Carol\"}").body())
			.path("token")
			.asString();
		SignedJWT jwt = SignedJWT.parse(token);
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
		assertThat(claims.getSubject()).isEqualTo("carol");
		assertThat(claims.getStringClaim("name")).isEqualTo("Carol");
		assertThat(claims.getExpirationTime().toInstant()).isAfter(Instant.now())
			.isBefore(Instant.now().plus(Duration.ofDays(1)));
	}

	@Test
	void demoTokenRequestWithoutAUserIdIsABadRequest() throws Exception {
		assertThat(demoToken("{\"name\":\"Nobody\"}").statusCode()).isEqualTo(400);
		assertThat(demoToken("{\"userId\":\"" + "a".repeat(129) + "\"}").statusCode()).isEqualTo(400);
	}

	@Test
	void demoTokenIsNotHandedOutForTheReservedServerIds() throws Exception {
		assertThat(demoToken("{\"userId\":\"server\"}").statusCode()).isEqualTo(400);
		assertThat(demoToken("{\"userId\":\"server:api\"}").statusCode()).isEqualTo(400);
		assertThat(demoToken("{\"userId\":\"servers\"}").statusCode()).isEqualTo(200);
	}

	@Test
	void tokenSignedWithAnyKnownSecretIsRefusedInDemoMode() {
		String forged = TestTokens.forUser("alice");
		assertThat(Handshakes.to(this.port, "/ws").bearer(forged).status()).isEqualTo(401);
		TokenChecks.assertRefusedAtConnect(this.port, forged);
		String unsigned = TestTokens.builder("alice").unsigned();
		assertThat(Handshakes.to(this.port, "/ws").bearer(unsigned).status()).isEqualTo(401);
	}

	private HttpResponse<String> demoToken(String json) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/auth/demo-token"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}
