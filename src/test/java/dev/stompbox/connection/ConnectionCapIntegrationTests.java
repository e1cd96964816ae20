package dev.stompbox.connection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code STOMPBOX_MAX_CONNECTIONS}: at the cap a handshake gets HTTP 503 (PROTOCOL.md
 * section 6 names close 1013 for a connection that gets past the handshake in a race),
 * the open connections are untouched, and a connection slot that frees up can be used
 * again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.max-connections=" + ConnectionCapIntegrationTests.CAP })
class ConnectionCapIntegrationTests {

	static final int CAP = 3;

	@LocalServerPort
	int port;

	@Autowired
	ConnectionRegistry registry;

	@Autowired
	MeterRegistry meters;

	private final List<StompTestClient> clients = new ArrayList<>();

	@BeforeEach
	void startEmpty() {
		awaitOpenConnections(0);
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(StompTestClient::close);
		this.clients.clear();
		awaitOpenConnections(0);
	}

	@Test
	void handshakeOverTheCapGets503AndTheOpenConnectionsAreUntouched() {
		try (Bystander bystander = Bystander.inRoom(this.port, "capped")) {
			for (int i = 1; i < CAP; i++) {
				this.clients.add(StompTestClient.connect(this.port, TestTokens.forUser("user" + i)));
			}
			assertThat(this.registry.count()).isEqualTo(CAP);
			String response = handshake();
			assertThat(response).startsWith("HTTP/1.1 503");
			assertThat(response.lines().map(String::toLowerCase)).contains("retry-after: 1");
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> StompTestClient.connect(this.port, TestTokens.forUser("one-too-many")).close());
			assertThat(this.registry.count()).isEqualTo(CAP);
			bystander.assertUnaffected();
			assertThat(this.clients).allSatisfy((client) -> assertThat(client.isConnected()).isTrue());
		}
	}

	@Test
	void afterOneClientDisconnectsANewOneCanConnect() {
		for (int i = 0; i < CAP; i++) {
			this.clients.add(StompTestClient.connect(this.port, TestTokens.forUser("user" + i)));
		}
		assertThat(handshake()).startsWith("HTTP/1.1 503");
		this.clients.remove(0).close();
		awaitOpenConnections(CAP - 1);
		StompTestClient newcomer = StompTestClient.connect(this.port, TestTokens.forUser("newcomer"));
		this.clients.add(newcomer);
		assertThat(newcomer.subscribeAndJoin("capped")).isEmpty();
		assertThat(handshake()).startsWith("HTTP/1.1 503");
	}

	@Test
	void refusedHandshakesDoNotUseUpConnectionSlots() {
		for (int i = 0; i < CAP; i++) {
			this.clients.add(StompTestClient.connect(this.port, TestTokens.forUser("user" + i)));
		}
		for (int i = 0; i < 10; i++) {
			assertThat(handshake()).startsWith("HTTP/1.1 503");
		}
		this.clients.remove(0).close();
		awaitOpenConnections(CAP - 1);
		this.clients.add(StompTestClient.connect(this.port, TestTokens.forUser("newcomer")));
		assertThat(this.registry.count()).isEqualTo(CAP);
	}

	/**
	 * PROTOCOL.md section 2: the origin first, so a foreign page learns nothing of the
	 * load.
	 */
	@Test
	void atTheCapAForeignOriginGets403AndEveryRefusalIsCountedByItsReason() {
		double origin = refused("origin");
		double token = refused("token");
		double unavailable = refused("unavailable");
		for (int i = 0; i < CAP; i++) {
			this.clients.add(StompTestClient.connect(this.port, TestTokens.forUser("user" + i)));
		}
		assertThat(Handshakes.to(this.port, "/ws").origin("https://evil.example").status()).isEqualTo(403);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).origin("https://evil.example").status())
			.isEqualTo(403);
		assertThat(Handshakes.to(this.port, "/ws").status()).isEqualTo(503);
		this.clients.remove(0).close();
		awaitOpenConnections(CAP - 1);
		assertThat(Handshakes.to(this.port, "/ws").bearer("not-a-jwt").status()).isEqualTo(401);
		assertThat(refused("origin")).isEqualTo(origin + 2);
		assertThat(refused("unavailable")).isEqualTo(unavailable + 1);
		assertThat(refused("token")).isEqualTo(token + 1);
	}

	private double refused(String reason) {
		return this.meters.get("stompbox.handshakes.refused").tag("reason", reason).counter().count();
	}

	private void awaitOpenConnections(int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.count() == count);
	}

	/**
	 * A WebSocket handshake written by hand, to see the HTTP status a refused one gets;
	 * returns the response's status line and headers.
	 */
	private String handshake() {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /ws HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
					+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			StringBuilder head = new StringBuilder();
			for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
				head.append(line).append('\n');
			}
			return head.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
