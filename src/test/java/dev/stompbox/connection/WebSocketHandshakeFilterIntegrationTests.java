package dev.stompbox.connection;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.micrometer.core.instrument.MeterRegistry;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /ws} handshakes and those of SockJS's websocket transport skip the filters and
 * the dispatch that have nothing to do for them ({@link WebSocketHandshakeFilter}); what
 * guards them still answers, and a request that is not exactly an endpoint's is still
 * judged by Spring Security's firewall.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class WebSocketHandshakeFilterIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void aClientConnectsJoinsAndIsAnswered() {
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			assertThat(client.subscribeAndJoin("shortcut")).isEmpty();
		}
	}

	@Test
	void aSockJsClientConnectsJoinsAndIsAnswered() {
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("alice"),
				StompTestClient.Transport.SOCKJS)) {
			assertThat(client.subscribeAndJoin("shortcut-sockjs")).isEmpty();
		}
	}

	@Test
	void theSockJsHandshakeIsStillGuardedAndItsRefusalsCounted() {
		double origin = refused("origin");
		double token = refused("token");
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).origin("https://evil.example").status())
			.isEqualTo(403);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).bearer("not-a-jwt").status()).isEqualTo(401);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket() + "?access_token=not-a-jwt").status())
			.isEqualTo(401);
		assertThat(refused("origin")).isEqualTo(origin + 1);
		assertThat(refused("token")).isEqualTo(token + 2);
	}

	@Test
	void aSockJsPathThatIsNotExactlyATransportsTakesTheUsualWay() {
		// SockJS refuses an id with a dot; the firewall, a path parameter.
		assertThat(Handshakes.to(this.port, "/sockjs/000/a.b/websocket").status()).isEqualTo(404);
		assertThat(Handshakes.to(this.port, "/sockjs/000/abc;x=1/websocket").status()).isEqualTo(400);
		assertThat(Handshakes.to(this.port, "/sockjs/000/abc/../abc/websocket").status()).isEqualTo(400);
	}

	@Test
	void theHandshakeIsStillGuardedAndItsRefusalsCounted() {
		double origin = refused("origin");
		double token = refused("token");
		assertThat(Handshakes.to(this.port, "/ws").origin("https://evil.example").status()).isEqualTo(403);
		assertThat(Handshakes.to(this.port, "/ws").bearer("not-a-jwt").status()).isEqualTo(401);
		assertThat(refused("origin")).isEqualTo(origin + 1);
		assertThat(refused("token")).isEqualTo(token + 1);
	}

	@Test
	void aPathParameterTakesTheUsualWayAndTheFirewallRefusesIt() {
		assertThat(Handshakes.to(this.port, "/ws;jsessionid=1").status()).isEqualTo(400);
		assertThat(Handshakes.to(this.port, "/ws/..;/ws").status()).isEqualTo(400);
	}

	@Test
	void aRequestThatIsNoUpgradeGetsSpringsAnswer() throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			URI endpoint = URI.create("http://localhost:" + this.port + "/ws");
			HttpResponse<String> get = http.send(HttpRequest.newBuilder(endpoint).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(get.statusCode()).isEqualTo(400);
			assertThat(get.body()).contains("Upgrade");
			HttpResponse<String> post = http.send(
					HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(post.statusCode()).isEqualTo(405);
		}
	}

	private double refused(String reason) {
		return this.meters.get("stompbox.handshakes.refused").tag("reason", reason).counter().count();
	}

}
