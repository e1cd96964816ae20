package dev.stompbox.connection;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.StalledReader;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading must not hold back anyone else's messages (PROTOCOL.md
 * section 5: nothing one client does affects another's connection). Its room's messages are
 * written by the same fan-out thread as everyone else's in that room, so when a write to it
 * blocks, the other subscribers must still get every message at once, in order, and the
 * stalled one is closed once its send buffer is over the limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=100000" })
class SlowSubscriberIntegrationTests {

	private static final int MESSAGES = 6000;

	/**
	 * 6000 of these are 9 MB, more than a stalled client's socket buffers hold (Linux grows a
	 * send buffer to 4 MB). Small enough for the test clients, whose container buffers are
	 * the server's 2 KiB when both run in one JVM.
	 */
	private static final String TEXT = "x".repeat(1_500);

	@LocalServerPort
	int port;

	@Autowired
	ConnectionRegistry connections;

	@Autowired
	MeterRegistry meters;

	@Test
	void aSubscriberThatStopsReadingHoldsBackNoOneAndIsClosed() throws Exception {
		try (StalledReader stalled = StalledReader.subscribedTo(this.port, TestTokens.forUser("stalled"), "lobby")) {
			StompTestClient reader = StompTestClient.connect(this.port, TestTokens.forUser("reader"));
			StompTestClient sender = StompTestClient.connect(this.port, TestTokens.forUser("sender"));
			try {
				BlockingQueue<Received> room = reader.subscribeAndJoin("lobby");
				sender.subscribeAndJoin("lobby");
				for (int i = 0; i < MESSAGES; i++) {
					sender.send("/app/rooms/lobby/messages",
							Map.of("clientMsgId", "m" + i, "body", Map.of("n", i, "text", TEXT)));
				}
				long started = System.nanoTime();
				Set<Integer> seen = new HashSet<>();
				int last = -1;
				while (seen.size() < MESSAGES) {
					Received message = StompTestClient.poll(room, Duration.ofSeconds(5));
					assertThat(message).as("message %d of %d at the reader", seen.size() + 1, MESSAGES).isNotNull();
					int n = message.json().path("body").path("n").asInt();
					assertThat(n).as("order").isGreaterThan(last);
					last = n;
					seen.add(n);
				}
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				assertThat(took).as("time for the reader to get all messages").isLessThan(Duration.ofSeconds(5));
				assertThat(reader.isConnected()).isTrue();
				await().atMost(Duration.ofSeconds(30)).until(() -> this.connections.count() == 2);
				assertThat(stalled.closedByServer()).as("stalled client closed").isTrue();
				assertThat(this.meters.get("stompbox.disconnects").tag("reason", "slow").counter().count()).isEqualTo(1);
			}
			finally {
				sender.close();
				reader.close();
			}
		}
	}

}
