package dev.stompbox.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2: same origin judged as the browser sees it. Behind a
 * TLS-terminating front end such as Cloud Run's, the page {@code https://svc.run.app/}
 * opens its WebSocket to the same host, and the request reaches the container as
 * {@code http} with {@code X-Forwarded-Proto: https}; an ingress may also pass the public
 * host in {@code X-Forwarded-Host}. The default allow-list (same origin and localhost)
 * applies.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class ForwardedOriginIntegrationTests {

	private static final String SERVICE_HOST = "stompbox-abc-uc.a.run.app";

	private static final String SERVICE_ORIGIN = "https://" + SERVICE_HOST;

	@LocalServerPort
	int port;

	@Test
	void thePageOfTheServiceItselfConnectsThroughATlsFrontEnd() throws Exception {
		for (String path : new String[] { "/ws", Handshakes.sockJsWebSocket() }) {
			assertThat(behindCloudRun(path).origin(SERVICE_ORIGIN).status()).as(path).isEqualTo(101);
		}
		HttpResponse<String> info = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/sockjs/info"))
				.header("Origin", SERVICE_ORIGIN)
				.header("X-Forwarded-Host", SERVICE_HOST)
				.header("X-Forwarded-Proto", "https")
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(info.statusCode()).isEqualTo(200);
	}

	@Test
	void theServiceHostFromXForwardedHostCountsAsTheSameOrigin() {
		assertThat(Handshakes.to(this.port, "/ws")
			.host("10.0.0.7:8080")
			.header("X-Forwarded-Host", SERVICE_HOST)
			.header("X-Forwarded-Proto", "https")
			.origin(SERVICE_ORIGIN)
			.status()).isEqualTo(101);
	}

	@Test
	void withoutTheForwardedSchemeTheHttpsPageIsAnotherOrigin() {
		assertThat(Handshakes.to(this.port, "/ws").host(SERVICE_HOST).origin(SERVICE_ORIGIN).status()).isEqualTo(403);
	}

	@Test
	void aForeignOriginIsRefusedThroughTheFrontEndToo() {
		assertThat(behindCloudRun("/ws").origin("https://evil.example").status()).isEqualTo(403);
		assertThat(behindCloudRun("/ws").origin("http://" + SERVICE_HOST).status())
			.as("the service's host over the other scheme")
			.isEqualTo(403);
		assertThat(behindCloudRun(Handshakes.sockJsWebSocket()).origin("https://evil.example").status()).isEqualTo(403);
	}

	@Test
	void theOriginIsCheckedBeforeTheToken() {
		String forged = TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign();
		assertThat(behindCloudRun("/ws").origin("https://evil.example").bearer(forged).status()).isEqualTo(403);
		assertThat(behindCloudRun("/ws?access_token=" + forged).origin("https://evil.example").status()).isEqualTo(403);
		assertThat(
				behindCloudRun(Handshakes.sockJsWebSocket() + "?access_token=" + forged).origin("https://evil.example")
					.status())
			.isEqualTo(403);
		assertThat(behindCloudRun("/ws").origin(SERVICE_ORIGIN).bearer(forged).status()).isEqualTo(401);
	}

	/**
	 * A handshake as Cloud Run's front end passes it on: the public host, the scheme
	 * forwarded.
	 */
	private Handshakes.Request behindCloudRun(String path) {
		return Handshakes.to(this.port, path).host(SERVICE_HOST).header("X-Forwarded-Proto", "https");
	}

}
