package dev.stompbox.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.RawStompSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A JWKS address that accepts connections and never answers: verification gives up after
 * the JWKS client's timeouts, so the handshake and the server API answer 401 (not 500)
 * and a CONNECT gets its {@code unauthorized} error, instead of waiting for ever (the
 * test clients' own read timeouts are 10 s).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SilentJwksIntegrationTests {

	/** Generous: a liveness bound, not a measure of speed. */
	private static final Duration BOUND = Duration.ofSeconds(20);

	static final RSAKey RSA = Tokens.newRsaKey("rsa-1");

	private static ServerSocket silent;

	private static final List<Socket> accepted = new CopyOnWriteArrayList<>();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void jwksUri(DynamicPropertyRegistry registry) throws IOException {
		silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofPlatform().daemon().start(() -> {
			while (!silent.isClosed()) {
				try {
					// Kept open and never read from or written to.
					accepted.add(silent.accept());
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		registry.add("stompbox.jwt.jwks-uri",
				() -> "http://127.0.0.1:" + silent.getLocalPort() + "/.well-known/jwks.json");
	}

	@AfterAll
	static void stopSilentServer() throws IOException {
		silent.close();
		for (Socket socket : accepted) {
			socket.close();
		}
	}

	@Test
	void aHandshakeWithATokenIsRefusedWith401() {
		String token = Tokens.rs256(RSA, Tokens.claims("alice").build());
		int status = assertTimeoutPreemptively(BOUND, () -> Handshakes.to(this.port, "/ws").bearer(token).status());
		assertThat(status).isEqualTo(401);
		assertThat(accepted).as("the JWKS address was asked").isNotEmpty();
	}

	@Test
	void aServerApiCallIsRefusedWith401() {
		String token = Tokens.rs256(RSA, Tokens.claims("backend").claim("scope", "stompbox:publish").build());
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/api/rooms/r/messages"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"notice\",\"body\":null}"))
			.timeout(BOUND)
			.build();
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = assertTimeoutPreemptively(BOUND,
					() -> client.send(request, HttpResponse.BodyHandlers.ofString()));
			assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		}
	}

	@Test
	void aConnectWithATokenGetsUnauthorized() {
		String token = Tokens.rs256(RSA, Tokens.claims("bob").build());
		assertTimeoutPreemptively(BOUND, () -> {
			try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
				TokenChecks.assertRefused(connection, connection.connect(token), token);
			}
		});
	}

}
