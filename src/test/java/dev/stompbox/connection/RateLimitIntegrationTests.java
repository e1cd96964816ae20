package dev.stompbox.connection;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code STOMPBOX_RATE_LIMIT}: one session may send {@value #RATE} messages a second, in
 * bursts of twice that. What is over is dropped and answered {@code rate-limited}; the
 * connection stays open, the session can send again once its budget refills, and other
 * sessions, the same user's included, are not slowed down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=5", "stompbox.heartbeat=1s" })
class RateLimitIntegrationTests {

	static final int RATE = 5;

	private static final int BURST = 6 * RATE;

	private static final String ROOM = "rate";

	private static final String MESSAGES = "/app/rooms/" + ROOM + "/messages";

	@LocalServerPort
	int port;

	private Bystander bystander;

	private StompTestClient flooder;

	@BeforeEach
	void connect() {
		this.bystander = Bystander.inRoom(this.port, ROOM);
		this.flooder = StompTestClient.connect(this.port, TestTokens.forUser("flooder"));
		this.flooder.subscribeAndJoin(ROOM);
	}

	@AfterEach
	void disconnect() {
		this.flooder.close();
		this.bystander.close();
	}

	@Test
	void burstOverTwiceTheRateIsPartlyRateLimitedAndTheConnectionStays() {
		long start = System.nanoTime();
		for (int i = 0; i < BURST; i++) {
			this.flooder.send(MESSAGES, Map.of("requestId", "b" + i, "clientMsgId", "b" + i, "body", i));
		}
		Map<String, JsonNode> acks = awaitAcks(this.flooder, BURST);
		double seconds = (System.nanoTime() - start) / 1e9;
		List<JsonNode> limited = acks.values().stream().filter((ack) -> !ack.path("ok").asBoolean()).toList();
		int accepted = BURST - limited.size();
		// A full bucket holds 2 x RATE, less the join; it refills at RATE a second meanwhile.
		assertThat(accepted).isGreaterThanOrEqualTo(2 * RATE - 1)
			.isLessThanOrEqualTo(2 * RATE + (int) Math.ceil(RATE * seconds) + 1);
		assertThat(limited).isNotEmpty().allSatisfy((ack) -> {
			assertThat(ack.path("type").asString()).isEqualTo("send");
			assertThat(ack.path("error").asString()).isEqualTo("rate-limited");
			assertThat(ack.path("message").asString()).isNotBlank();
		});
		for (int i = 0; i < limited.size(); i++) {
			JsonNode error = this.flooder.awaitError();
			assertThat(error.path("error").asString()).isEqualTo("rate-limited");
			assertThat(error.path("destination").asString()).isEqualTo(MESSAGES);
			assertThat(error.path("requestId").asString()).startsWith("b");
			assertThat(acks.get(error.path("requestId").asString()).path("ok").asBoolean()).isFalse();
		}
		assertThat(this.flooder.isConnected()).isTrue();
		assertThat(this.flooder.errorFrames()).isEmpty();
		// Only the accepted messages were delivered, to the room and so to the bystander.
		List<JsonNode> delivered = this.bystander.assertUnaffected();
		assertThat(delivered).hasSize(accepted)
			.allSatisfy((message) -> assertThat(acks.get(message.path("clientMsgId").asString()).path("ok").asBoolean())
				.isTrue());
	}

	@Test
	void rateLimitedSessionCanSendAgainAfterWaiting() {
		for (int i = 0; i < BURST; i++) {
			this.flooder.send(MESSAGES, Map.of("requestId", "w" + i, "body", i));
		}
		Map<String, JsonNode> acks = awaitAcks(this.flooder, BURST);
		assertThat(acks.values())
			.anySatisfy((ack) -> assertThat(ack.path("error").asString()).isEqualTo("rate-limited"));
		int[] attempt = { 0 };
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
			String requestId = "again-" + attempt[0]++;
			this.flooder.send(MESSAGES, Map.of("requestId", requestId, "body", "again"));
			return this.flooder.awaitAck(requestId).path("ok").asBoolean();
		});
		this.bystander.assertUnaffected();
	}

	@Test
	void limitIsPerSessionSoTheSameUsersOtherTabIsNotLimited() {
		try (StompTestClient otherTab = StompTestClient.connect(this.port, TestTokens.forUser("flooder"))) {
			otherTab.subscribeAndJoin(ROOM);
			for (int i = 0; i < BURST; i++) {
				this.flooder.send(MESSAGES, Map.of("requestId", "p" + i, "body", i));
			}
			awaitAcks(this.flooder, BURST);
			for (int i = 0; i < RATE; i++) {
				otherTab.send(MESSAGES, Map.of("requestId", "tab" + i, "body", i));
				assertThat(otherTab.awaitAck("tab" + i).path("ok").asBoolean()).as("other tab's message " + i).isTrue();
			}
			assertThat(otherTab.queue("/user/queue/errors")).isEmpty();
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void rateLimitedRequestWithoutRequestIdIsReportedOnTheErrorsQueueOnly() {
		for (int i = 0; i < BURST; i++) {
			this.flooder.send(MESSAGES, Map.of("body", i));
		}
		JsonNode error = this.flooder.awaitError();
		assertThat(error.path("error").asString()).isEqualTo("rate-limited");
		assertThat(error.path("destination").asString()).isEqualTo(MESSAGES);
		assertThat(error.has("requestId")).isFalse();
		assertThat(this.flooder.queue("/user/queue/acks")).isEmpty();
		assertThat(this.flooder.isConnected()).isTrue();
		this.bystander.assertUnaffected();
	}

	@Test
	void subscriptionsAreNotCountedAgainstTheRate() {
		for (int i = 0; i < BURST; i++) {
			this.flooder.subscribe("/topic/rooms/sub-" + i);
		}
		this.flooder.send(MESSAGES, Map.of("requestId", "after-subs", "body", "x"));
		assertThat(this.flooder.awaitAck("after-subs").path("ok").asBoolean()).isTrue();
	}

	private static Map<String, JsonNode> awaitAcks(StompTestClient client, int count) {
		Map<String, JsonNode> acks = new HashMap<>();
		while (acks.size() < count) {
			JsonNode ack = client.awaitAck((candidate) -> true);
			acks.put(ack.path("requestId").asString(), ack);
		}
		return acks;
	}

}
