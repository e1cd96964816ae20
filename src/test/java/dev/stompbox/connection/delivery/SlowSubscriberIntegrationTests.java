package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.support.StalledReader;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading must not hold back anyone else's messages (PROTOCOL.md
 * section 5: nothing one client does affects another's connection). Its room's messages
 * are written by the same fan-out thread as everyone else's in that room, so when a write
 * to it blocks, the other subscribers must still get every message at once, in order, and
 * the stalled one is closed once its send buffer is over the limit. The healthy clients
 * read along as the sender sends ({@link #WINDOW}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=100000" })
class SlowSubscriberIntegrationTests {

	private static final int MESSAGES = 6000;

	/**
	 * 6000 of these are 9 MB, more than a stalled client's socket buffers hold (Linux
	 * grows a send buffer to 4 MB). Small enough for the test clients, whose container
	 * buffers are the server's 2 KiB when both run in one JVM.
	 */
	private static final String TEXT = "x".repeat(1_500);

	/**
	 * How far the healthy clients may fall behind the sender: 100 messages, 150 KB, well
	 * under the 512 KiB at which the server cuts a client off as too slow. Unpaced, the
	 * sender's burst of 9 MB ran ahead of the healthy clients too, which read in this
	 * same JVM: on a busy machine one of them fell 512 KiB behind and was rightly cut
	 * off, and the reader then got nothing more (the healthy reader got 2,649 of 6,000
	 * messages, then nothing for 5 s).
	 */
	private static final int WINDOW = 100;

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
				InOrder atReader = new InOrder("reader", reader.subscribeAndJoin("lobby"));
				InOrder atSender = new InOrder("sender", sender.subscribeAndJoin("lobby"));
				for (int i = 0; i < MESSAGES; i++) {
					sender.send("/app/rooms/lobby/messages",
							Map.of("clientMsgId", "m" + i, "body", Map.of("n", i, "text", TEXT)));
					if (i >= WINDOW) {
						// The healthy clients read along: they never fall behind by as
						// much as a send buffer holds.
						atReader.next(i - WINDOW);
						atSender.next(i - WINDOW);
					}
				}
				long started = System.nanoTime();
				for (int n = Math.max(0, MESSAGES - WINDOW); n < MESSAGES; n++) {
					atReader.next(n);
					atSender.next(n);
				}
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				assertThat(took).as("time for the reader to get the last messages").isLessThan(Duration.ofSeconds(5));
				assertThat(reader.isConnected()).isTrue();
				assertThat(sender.isConnected()).isTrue();
				await().atMost(Duration.ofSeconds(30)).until(() -> this.connections.count() == 2);
				assertThat(stalled.closedByServer()).as("stalled client closed").isTrue();
				assertThat(this.meters.get("stompbox.disconnects").tag("reason", "slow").counter().count())
					.isEqualTo(1);
			}
			finally {
				sender.close();
				reader.close();
			}
		}
	}

	/**
	 * One healthy subscriber's room messages, each to come within 5 s of the last, in
	 * order.
	 */
	private static final class InOrder {

		private final String who;

		private final BlockingQueue<Received> room;

		InOrder(String who, BlockingQueue<Received> room) {
			this.who = who;
			this.room = room;
		}

		void next(int expected) {
			Received message = StompTestClient.poll(this.room, Duration.ofSeconds(5));
			assertThat(message).as("message %d of %d at the %s", expected + 1, MESSAGES, this.who).isNotNull();
			assertThat(message.json().path("body").path("n").asInt()).as("order at the %s", this.who)
				.isEqualTo(expected);
		}

	}

}
