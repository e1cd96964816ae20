package dev.stompbox.security;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.support.RawStompSocket.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PROTOCOL.md sections 2 and 5: what an authenticated client may subscribe and send to. A
 * refused SUBSCRIBE is answered on {@code /user/queue/errors} and the connection stays; a
 * SEND outside {@code /app} is a protocol failure that closes it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class MessageAuthorizationIntegrationTests {

	/**
	 * How long to wait for something that must not arrive, once what would precede it
	 * has.
	 */
	private static final Duration QUIET = Duration.ofMillis(500);

	@LocalServerPort
	int port;

	@Autowired
	SimpUserRegistry users;

	@Test
	void subscribingToAnotherSessionsQueueIsForbiddenAndReceivesNothingOfIt() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"));
				StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("bob-authz"))) {
			alice.ensureUserQueues();
			bob.ensureUserQueues();
			String stolen = "/queue/acks-user" + onlySessionOf("bob-authz");
			Watched spy = Watched.subscribe(alice, stolen);
			assertForbidden(alice, stolen);
			bob.join("authz-private");
			spy.assertNothingArrives();
			assertThat(spy.receipt()).isNotDone();
			assertThat(alice.join("authz-private").path("ok").asBoolean()).isTrue();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/topic/anything-not-a-room", "/topic/rooms", "/topic/rooms/lobby/typing", "/queue/acks",
			"/queue/errors-user0", "/user/bob/queue/acks", "/user/topic/rooms/lobby", "/app/rooms/lobby/join",
			"/app/anything" })
	void subscribingOutsideOwnQueuesAndRoomsIsForbiddenAndTheConnectionStaysUsable(String destination) {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			alice.ensureUserQueues();
			Watched refused = Watched.subscribe(alice, destination);
			assertForbidden(alice, destination);
			BlockingQueue<Received> room = alice.subscribeAndJoin("authz-usable");
			assertThat(refused.receipt()).isNotDone();
			alice.send("/app/rooms/authz-usable/messages", Map.of("requestId", "s1", "body", "still here"));
			assertThat(alice.awaitAck("s1").path("ok").asBoolean()).isTrue();
			assertThat(StompTestClient.awaitOn(room, (m) -> true, "own room").path("body").asString())
				.isEqualTo("still here");
			assertThat(alice.isConnected()).isTrue();
		}
	}

	@Test
	void subscribingToAnInvalidRoomIdIsABadRequest() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			alice.ensureUserQueues();
			String destination = "/topic/rooms/not a room!";
			Watched.subscribe(alice, destination);
			JsonNode error = alice.await("/user/queue/errors",
					(e) -> destination.equals(e.path("destination").asString()));
			assertThat(error.path("error").asString()).isEqualTo("bad-request");
			assertThat(alice.join("authz-usable").path("ok").asBoolean()).isTrue();
		}
	}

	@Test
	void roomsClaimAllowsExactIdsAndPrefixPatterns() {
		try (StompTestClient carol = carol()) {
			for (String room : new String[] { "team-a", "team-", "lobby" }) {
				carol.subscribe("/topic/rooms/" + room);
				carol.subscribe("/topic/rooms/" + room + "/presence");
				assertThat(carol.join(room).path("ok").asBoolean()).as(room).isTrue();
			}
		}
	}

	@Test
	void subscribingToARoomTheTokenDoesNotAllowIsForbiddenWithNoReceiptAndNoMessages() {
		try (StompTestClient carol = carol();
				StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("bob"))) {
			Watched other = Watched.subscribe(carol, "/topic/rooms/other");
			assertForbidden(carol, "/topic/rooms/other");
			Watched otherPresence = Watched.subscribe(carol, "/topic/rooms/other/presence");
			assertForbidden(carol, "/topic/rooms/other/presence");
			Watched otherSnapshot = Watched.subscribe(carol, "/app/rooms/other/presence");
			assertForbidden(carol, "/app/rooms/other/presence");
			// A later SUBSCRIBE is receipted: the refused ones were handled before it and
			// got none.
			carol.subscribe("/topic/rooms/team-a");
			assertThat(other.receipt()).isNotDone();
			assertThat(otherPresence.receipt()).isNotDone();
			assertThat(otherSnapshot.receipt()).isNotDone();

			BlockingQueue<Received> atBob = bob.subscribeAndJoin("other");
			bob.send("/app/rooms/other/messages", Map.of("requestId", "b1", "body", "secret"));
			assertThat(bob.awaitAck("b1").path("ok").asBoolean()).isTrue();
			StompTestClient.awaitOn(atBob, (m) -> "secret".equals(m.path("body").asString()), "bob's room");
			other.assertNothingArrives();
			otherPresence.assertNothingArrives();
			otherSnapshot.assertNothingArrives();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "other", "teamx", "team", "lobby2", "lobb" })
	void joiningARoomTheTokenDoesNotAllowGetsAFailedAckForbidden(String room) {
		try (StompTestClient carol = carol()) {
			carol.send("/app/rooms/" + room + "/join", Map.of("requestId", "j-" + room));
			JsonNode ack = carol.awaitAck("j-" + room);
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("forbidden");
			assertThat(ack.path("requestId").asString()).isEqualTo("j-" + room);
			JsonNode error = carol.await("/user/queue/errors",
					(e) -> ("j-" + room).equals(e.path("requestId").asString()));
			assertThat(error.path("error").asString()).isEqualTo("forbidden");
			assertThat(carol.join("lobby").path("ok").asBoolean()).isTrue();
		}
	}

	@Test
	void sendingToARoomTheTokenDoesNotAllowIsForbidden() {
		try (StompTestClient carol = carol()) {
			carol.send("/app/rooms/other/messages", Map.of("requestId", "s-other", "body", "hi"));
			JsonNode ack = carol.awaitAck("s-other");
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("forbidden");
		}
	}

	@Test
	void sendingOutsideAppIsAProtocolFailureThatClosesTheConnectionAndDeliversNothing() {
		try (StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("bob"));
				RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			BlockingQueue<Received> lobby = bob.subscribeAndJoin("authz-lobby");
			assertThat(command(mallory.connect(TestTokens.forUser("mallory")))).isEqualTo("CONNECTED");
			mallory.send("SEND\ndestination:/topic/rooms/authz-lobby\ncontent-type:application/json\n\n"
					+ "{\"id\":\"1-0\",\"roomId\":\"authz-lobby\",\"from\":{\"userId\":\"bob\"},\"body\":\"forged\"}\u0000");
			String answer = mallory.nextCommandFrame();
			assertThat(command(answer)).as(answer).isEqualTo("ERROR");
			mallory.awaitClose();
			bob.send("/app/rooms/authz-lobby/messages", Map.of("requestId", "b2", "body", "genuine"));
			JsonNode first = StompTestClient.awaitOn(lobby, (m) -> true, "bob's room");
			assertThat(first.path("body").asString()).isEqualTo("genuine");
		}
	}

	@Test
	void sendingToAnotherUsersQueueIsAProtocolFailure() {
		try (StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("bob-queue"));
				RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			bob.ensureUserQueues();
			assertThat(command(mallory.connect(TestTokens.forUser("mallory")))).isEqualTo("CONNECTED");
			mallory.send("SEND\ndestination:/user/bob-queue/queue/system\ncontent-type:application/json\n\n"
					+ "{\"type\":\"reconnect\",\"reason\":\"shutdown\"}\u0000");
			assertThat(command(mallory.nextCommandFrame())).isEqualTo("ERROR");
			mallory.awaitClose();
			assertThat(StompTestClient.poll(bob.queue("/user/queue/system"), QUIET)).isNull();
		}
	}

	private String onlySessionOf(String userId) {
		await().atMost(StompTestClient.TIMEOUT).until(() -> this.users.getUser(userId) != null);
		SimpUser user = this.users.getUser(userId);
		Set<String> sessions = user.getSessions().stream().map(SimpSession::getId).collect(Collectors.toSet());
		assertThat(sessions).hasSize(1);
		return sessions.iterator().next();
	}

	private static void assertForbidden(StompTestClient client, String destination) {
		JsonNode error = client.await("/user/queue/errors",
				(e) -> destination.equals(e.path("destination").asString()));
		assertThat(error.path("error").asString()).isEqualTo("forbidden");
	}

	/**
	 * Connects carol, whose token lets her into the rooms {@code team-*} and
	 * {@code lobby} only, subscribed to her user queues.
	 */
	private StompTestClient carol() {
		StompTestClient carol = StompTestClient.connect(this.port,
				TestTokens.builder("carol").rooms("team-*", "lobby").sign());
		carol.ensureUserQueues();
		return carol;
	}

	/** A subscription whose messages and RECEIPT are watched. */
	private record Watched(BlockingQueue<Received> messages, CompletableFuture<Void> receipt) {

		static Watched subscribe(StompTestClient client, String destination) {
			BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
			CompletableFuture<Void> receipt = new CompletableFuture<>();
			StompHeaders headers = new StompHeaders();
			headers.setDestination(destination);
			headers.setReceipt("watched-" + destination);
			client.session().subscribe(headers, new StompFrameHandler() {

				@Override
				public Type getPayloadType(StompHeaders frame) {
					return byte[].class;
				}

				@Override
				public void handleFrame(StompHeaders frame, Object payload) {
					messages.add(new Received(frame, (byte[]) payload));
				}

			}).addReceiptTask(() -> receipt.complete(null));
			return new Watched(messages, receipt);
		}

		void assertNothingArrives() {
			Received received = StompTestClient.poll(this.messages, QUIET);
			assertThat(received).as(() -> "unexpected " + received.text()).isNull();
		}

	}

}
