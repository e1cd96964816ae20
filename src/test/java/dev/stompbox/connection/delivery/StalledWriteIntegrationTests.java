package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Every write has a time limit (PROTOCOL.md section 6: one write blocked for 10 s and the
 * connection is cut off; no server thread stays blocked on it), a quiet room and a client
 * with heart-beats off included: nothing else is sent to such a client, so the limit
 * cannot wait to be checked until the next frame for it comes. The limit is shortened to
 * 1 s here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.internal.send-time-limit=1s" })
class StalledWriteIntegrationTests {

	/**
	 * Large enough that a few fill a stalled client's socket buffers, under the frame
	 * limit.
	 */
	private static final String TEXT = "x".repeat(50_000);

	/**
	 * Linux grows a socket's send buffer to 4 MB: a write blocks after at most about this
	 * many.
	 */
	private static final int MOST_MESSAGES = 400;

	private static final Duration PENDING_FOR = Duration.ofMillis(300);

	@LocalServerPort
	int port;

	@Autowired
	ConnectionRegistry connections;

	@Autowired
	SendBuffers sendBuffers;

	@Autowired
	MeterRegistry meters;

	@Test
	void aWritePendingInAQuietRoomToAClientWithHeartBeatsOffIsCutOffAndBlocksNoThread() throws Exception {
		double slowBefore = slowDisconnects();
		try (StalledReader stalled = StalledReader.subscribedTo(this.port, TestTokens.forUser("stalled"), "quiet")) {
			String stalledId = onlySession();
			StompTestClient reader = StompTestClient.connect(this.port, TestTokens.forUser("reader"));
			StompTestClient sender = StompTestClient.connect(this.port, TestTokens.forUser("sender"));
			try {
				BlockingQueue<Received> room = reader.subscribeAndJoin("quiet");
				sender.subscribeAndJoin("quiet");
				// One message at a time, each read by the reader, until a write to the
				// stalled client waits.
				int sent = 0;
				while (!writeStaysPending(stalledId)) {
					assertThat(sent).as("messages sent before a write to the stalled client waits")
						.isLessThan(MOST_MESSAGES);
					sender.send("/app/rooms/quiet/messages", Map.of("body", Map.of("n", sent, "text", TEXT)));
					assertThat(receive(room).json().path("body").path("n").asInt()).isEqualTo(sent);
					sent++;
				}
				// The room is quiet now: nothing more is sent to anyone.
				await().atMost(Duration.ofSeconds(2))
					.untilAsserted(
							() -> assertThat(threadsWriting()).as("threads inside a write to a client").isEmpty());
				await().atMost(Duration.ofSeconds(8)).until(() -> !this.connections.isOpen(stalledId));
				assertThat(slowDisconnects() - slowBefore).as("closed as slow").isEqualTo(1);
				assertThat(stalled.closedByServer()).as("stalled client closed").isTrue();
				sender.send("/app/rooms/quiet/messages", Map.of("body", Map.of("n", sent, "text", "after")));
				assertThat(receive(room).json().path("body").path("n").asInt()).isEqualTo(sent);
				assertThat(reader.isConnected()).isTrue();
			}
			finally {
				sender.close();
				reader.close();
			}
		}
	}

	private String onlySession() {
		Set<String> open = new HashSet<>(this.connections.sessionIds());
		assertThat(open).hasSize(1);
		return open.iterator().next();
	}

	/**
	 * Whether a write to the session is pending and stays so: one may also wait a moment
	 * while the kernel's buffers still take what is in flight.
	 */
	private boolean writeStaysPending(String sessionId) throws InterruptedException {
		SendBuffer buffer = this.sendBuffers.get(sessionId);
		if (buffer == null || buffer.getTimeSinceSendStarted() == 0) {
			return false;
		}
		Thread.sleep(PENDING_FOR.toMillis());
		return buffer.getTimeSinceSendStarted() >= PENDING_FOR.toMillis();
	}

	private double slowDisconnects() {
		return this.meters.get("stompbox.disconnects").tag("reason", "slow").counter().count();
	}

	private static Received receive(BlockingQueue<Received> room) {
		Received message = StompTestClient.poll(room, Duration.ofSeconds(10));
		assertThat(message).as("message at the reader").isNotNull();
		return message;
	}

	/** Threads of the server that are inside a write to a client. */
	private static List<String> threadsWriting() {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((thread) -> Arrays.stream(thread.getValue())
				.anyMatch((frame) -> frame.getClassName().startsWith(SendBuffer.class.getName())
						|| frame.getClassName().startsWith(JettyFrameWriter.class.getName())))
			.map((thread) -> thread.getKey().getName())
			.toList();
	}

}
