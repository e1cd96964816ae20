package dev.stompbox.connection;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STOMP heart-beats with a configured {@code stompbox.heartbeat} of one second (the
 * default, 10 s each way, is checked in {@link ConnectFrameIntegrationTests}). Shares its
 * configuration, and so its server, with {@link RateLimitIntegrationTests}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=5", "stompbox.heartbeat=1s" })
class HeartbeatIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void connectedAdvertisesTheConfiguredHeartbeat() {
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			String connected = client.connect(TestTokens.forUser("alice"), "10000,10000");
			assertThat(RawFrames.command(connected)).isEqualTo("CONNECTED");
			assertThat(RawFrames.header(connected, "heart-beat")).isEqualTo("1000,1000");
		}
	}

	@Test
	void serverSendsHeartbeatsToAClientThatAsksForThem() {
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			assertThat(RawFrames.command(client.connect(TestTokens.forUser("alice"), "0,1000"))).isEqualTo("CONNECTED");
			long start = System.nanoTime();
			for (int i = 0; i < 2; i++) {
				assertThat(client.nextFrame()).as("heart-beat " + i).isEqualTo("\n");
			}
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
		}
	}

	@Test
	void clientThatPromisesHeartbeatsAndGoesSilentIsDisconnected() {
		try (Bystander bystander = Bystander.inRoom(this.port, "heartbeat");
				RawStompSocket silent = RawStompSocket.open(this.port, "/ws")) {
			assertThat(RawFrames.command(silent.connect(TestTokens.forUser("silent"), "1000,0")))
				.isEqualTo("CONNECTED");
			// Spring's broker allows three missed heart-beats before it ends the session.
			silent.awaitClose(Duration.ofSeconds(8));
			bystander.assertUnaffected();
		}
	}

}
