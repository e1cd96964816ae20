package dev.stompbox.connection;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.RawStompSocket;
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
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=5", "stompbox.heartbeat=1s",
				"stompbox.internal.longest-hold=" + RateLimitIntegrationTests.LONGEST_HOLD_MS + "ms" })
class RateLimitIntegrationTests {

	static final int RATE = 5;

	/**
	 * Shorter than the 2 s of production, so the tests that flood do not wait that long
	 * for their answers.
	 */
	static final long LONGEST_HOLD_MS = 600;

	private static final int BURST = 6 * RATE;

	/**
	 * What a client's start takes from its budget: SUBSCRIBE and UNSUBSCRIBE count since
	 * PROTOCOL.md 1.1, so the four user queues, the room and the join.
	 */
	private static final int START = 6;

	private static final String ROOM = "rate";

	private static final String MESSAGES = "/app/rooms/" + ROOM + "/messages";

	@LocalServerPort
	int port;

	@RegisterExtension
	final Bystander bystander = Bystander.inRoomForEachTest(ROOM);

	private StompTestClient flooder;

	@BeforeEach
	void connect() {
		// A user of its own for each test: a reconnect within two seconds inherits the
		// bucket.
		this.flooder = StompTestClient.connect(this.port, TestTokens.forUser("flooder-" + UUID.randomUUID()));
		this.flooder.subscribeAndJoin(ROOM);
	}

	@AfterEach
	void disconnect() {
		this.flooder.close();
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
		// A full bucket holds 2 x RATE, less the client's start; it refills at RATE a
		// second meanwhile.
		assertThat(accepted).isGreaterThanOrEqualTo(2 * RATE - START)
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

	/**
	 * The answers of a session over its rate come at that rate, up to the longest hold: a
	 * client that waits for its answers, as a flood from a closed loop does, is slowed
	 * down rather than answered as fast as the server can refuse. Every frame is still
	 * answered.
	 */
	@Test
	void answersOfASessionOverItsRateArePacedAndAllArrive() {
		long start = System.nanoTime();
		for (int i = 0; i < BURST; i++) {
			this.flooder.send(MESSAGES, Map.of("requestId", "p" + i, "body", i));
		}
		Map<String, JsonNode> acks = awaitAcks(this.flooder, BURST);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		long limited = acks.values().stream().filter((ack) -> !ack.path("ok").asBoolean()).count();
		// Each refused frame held the answers one frame's time of the rate longer, never
		// more than the longest hold ahead of the last refusal.
		Duration paced = Duration.ofSeconds(1).dividedBy(RATE).multipliedBy(limited);
		Duration longest = Duration.ofMillis(LONGEST_HOLD_MS);
		Duration atLeast = (paced.compareTo(longest) < 0) ? paced : longest;
		assertThat(limited).isGreaterThan(RATE);
		assertThat(took).isGreaterThanOrEqualTo(atLeast.minusMillis(50));
		assertThat(this.flooder.isConnected()).isTrue();
		this.bystander.assertUnaffected();
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
			for (int i = 0; i < 2 * RATE - START; i++) {
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
	void subscriptionsBeyondTheRateAreRateLimitedAndNotRegistered() {
		for (int i = 0; i < BURST; i++) {
			this.flooder.subscribeNoWait("/topic/rooms/sub-" + i, false);
		}
		// Frames of a session are handled in order: the errors of the SUBSCRIBEs come
		// before this ACK.
		this.flooder.send(MESSAGES, Map.of("requestId", "after-subs", "body", "x"));
		this.flooder.awaitAck("after-subs");
		List<JsonNode> errors = new java.util.ArrayList<>();
		this.flooder.queue("/user/queue/errors").forEach((received) -> errors.add(received.json()));
		List<JsonNode> refused = errors.stream()
			.filter((error) -> error.path("destination").asString().startsWith("/topic/rooms/sub-"))
			.toList();
		// A full bucket holds 2 x RATE, less what connecting, subscribing and joining
		// took.
		assertThat(refused).hasSizeGreaterThanOrEqualTo(BURST - 2 * RATE - RATE).allSatisfy((error) -> {
			assertThat(error.path("error").asString()).isEqualTo("rate-limited");
			assertThat(error.path("message").asString()).isNotBlank();
		});
		assertThat(this.flooder.isConnected()).isTrue();
		assertThat(this.flooder.errorFrames()).isEmpty();
		// A refused subscription is not registered: the room's messages do not reach it.
		String room = refused.get(refused.size() - 1)
			.path("destination")
			.asString()
			.substring("/topic/rooms/".length());
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
			String requestId = "join-" + System.nanoTime();
			this.bystander.client().send("/app/rooms/" + room + "/join", Map.of("requestId", requestId));
			return this.bystander.client().awaitAck(requestId).path("ok").asBoolean();
		});
		this.bystander.client()
			.send("/app/rooms/" + room + "/messages", Map.of("requestId", "to-refused", "body", "x"));
		assertThat(this.bystander.client().awaitAck("to-refused").path("ok").asBoolean()).isTrue();
		assertThat(StompTestClient.poll(this.flooder.queue("/topic/rooms/" + room), Duration.ofMillis(500))).isNull();
	}

	@Test
	void unsubscriptionsBeyondTheRateAreRateLimited() {
		try (RawStompSocket raw = RawStompSocket.connected(this.port, TestTokens.forUser("unsubscriber"))) {
			RawFrames.subscribeAndAwaitReceipt(raw, "errors", "/user/queue/errors");
			for (int i = 0; i < BURST; i++) {
				raw.send("UNSUBSCRIBE\nid:none-" + i + "\n\n" + RawFrames.NUL);
			}
			// A SEND's RECEIPT follows its outcome on the session's ordered path, so
			// every error of the UNSUBSCRIBEs is in by then; a DISCONNECT's RECEIPT is
			// Spring's, and can overtake errors still queued.
			List<String> before = new java.util.ArrayList<>();
			raw.send("SEND\ndestination:/app/rooms/none/leave\nreceipt:after\ncontent-type:application/json\n\n{}"
					+ RawFrames.NUL);
			RawFrames.awaitFrame(raw, (frame) -> RawFrames.isReceipt(frame, "after"), before);
			assertThat(before).hasSizeGreaterThanOrEqualTo(BURST - 2 * RATE - RATE)
				.allSatisfy((frame) -> assertThat(RawFrames.isMessageOn(frame, "/user/queue/errors")).isTrue())
				.allSatisfy((frame) -> assertThat(RawFrames.body(frame)).contains("\"error\":\"rate-limited\""));
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void aReconnectDoesNotRefillTheBucket() {
		String user = "reconnecting-" + UUID.randomUUID();
		StompTestClient first = StompTestClient.connect(this.port, TestTokens.forUser(user));
		first.subscribeAndJoin(ROOM);
		for (int i = 0; i < BURST; i++) {
			first.send(MESSAGES, Map.of("requestId", "f" + i, "body", i));
		}
		// Closed at once, not after the answers, which the pacing holds back for a while:
		// the bucket would refill meanwhile. The burst is handled before the close, in
		// order.
		first.close();
		long carried = subscriptionsAccepted(user);
		long fresh = subscriptionsAccepted("fresh-" + UUID.randomUUID());
		// A new user's bucket is full; the first connection's, emptied a moment ago, has
		// refilled at RATE a second only since, whatever else a connection's start takes.
		assertThat(carried).as("subscriptions accepted right after a reconnect").isLessThan(fresh);
		this.bystander.assertUnaffected();
	}

	/**
	 * Connects as the user and sends 2 x RATE SUBSCRIBEs at once: how many got their
	 * RECEIPT.
	 */
	private long subscriptionsAccepted(String user) {
		try (RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser(user))) {
			for (int i = 0; i < 2 * RATE; i++) {
				socket.send(RawFrames.subscribe("s" + i, "/user/queue/errors", "r" + i));
			}
			// A SEND's RECEIPT comes after the answers of the frames before it, refused
			// or not.
			socket.send("SEND\ndestination:/app/rooms/" + ROOM + "/leave\nreceipt:end\n\n{}" + RawFrames.NUL);
			List<String> before = new java.util.ArrayList<>();
			RawFrames.awaitFrame(socket, (frame) -> RawFrames.isReceipt(frame, "end"), before);
			return before.stream().filter((frame) -> RawFrames.command(frame).equals("RECEIPT")).count();
		}
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
