package dev.stompbox.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2 with the default allow-list: same origin and localhost. A
 * handshake from any other {@code Origin} gets 403; one without an {@code Origin} is not
 * refused for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class OriginAllowListIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void handshakeFromAnOriginNotOnTheListIsRefusedWith403() {
		assertThat(Handshakes.to(this.port, "/ws").origin("http://evil.example").status()).isEqualTo(403);
		assertThat(Handshakes.to(this.port, "/ws")
			.origin("http://evil.example")
			.bearer(TestTokens.forUser("alice"))
			.status()).isEqualTo(403);
		assertThat(Handshakes.to(this.port, "/ws?access_token=" + TestTokens.forUser("alice"))
			.origin("http://evil.example")
			.status()).isEqualTo(403);
	}

	@Test
	void sockJsFromAnOriginNotOnTheListIsRefusedWith403() throws Exception {
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).origin("http://evil.example").status())
			.isEqualTo(403);
		assertThat(get("/sockjs/info", "http://evil.example").statusCode()).isEqualTo(403);
		String xhr = Handshakes.sockJsWebSocket().replace("/websocket", "/xhr");
		assertThat(post(xhr, "http://evil.example").statusCode()).isEqualTo(403);
	}

	@Test
	void handshakeWithoutAnOriginIsAccepted() {
		assertThat(Handshakes.to(this.port, "/ws").status()).isEqualTo(101);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).status()).isEqualTo(101);
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://localhost:3000", "http://localhost", "https://localhost:8443",
			"http://127.0.0.1:5173", "https://127.0.0.1" })
	void handshakeFromLocalhostIsAcceptedByDefault(String origin) throws Exception {
		assertThat(Handshakes.to(this.port, "/ws").origin(origin).status()).isEqualTo(101);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).origin(origin).status()).isEqualTo(101);
		assertThat(get("/sockjs/info", origin).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://localhost.evil.example", "http://evil.example:3000", "null",
			"http://127.0.0.1.evil.example", "http://localhost@evil.example" })
	void lookalikesOfLocalhostAreRefused(String origin) {
		assertThat(Handshakes.to(this.port, "/ws").origin(origin).status()).isEqualTo(403);
	}

	@Test
	void handshakeFromTheSameOriginIsAccepted() {
		assertThat(Handshakes.to(this.port, "/ws").origin("http://localhost:" + this.port).status()).isEqualTo(101);
	}

	private HttpResponse<String> get(String path, String origin) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.header("Origin", origin)
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String origin) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.header("Origin", origin)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}
