package dev.stompbox.connection;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompHeaders;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests a client gets wrong (PROTOCOL.md section 5): each is answered with an error on
 * {@code /user/queue/errors}, and a failure ACK when it carried a {@code requestId}; the
 * connection stays open, and a client connected at the same time notices nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class BadInputIntegrationTests {

	private static final String ERRORS = "/user/queue/errors";

	@LocalServerPort
	int port;

	@RegisterExtension
	final Bystander bystander = Bystander.inRoomForEachTest("lobby");

	private StompTestClient mallory;

	@BeforeEach
	void connect() {
		this.mallory = StompTestClient.connect(this.port, TestTokens.forUser("mallory"));
		this.mallory.subscribeAndJoin("lobby");
	}

	@AfterEach
	void disconnect() {
		this.mallory.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"requestId\": \"r1\", \"body\": ", "not json at all", "{\"requestId\" \"r1\"}" })
	void malformedJsonIsABadRequestWithoutARequestIdAndTheConnectionStays(String body) {
		this.mallory.send("/app/rooms/lobby/messages", body);
		JsonNode error = awaitError("bad-request", "/app/rooms/lobby/messages");
		assertThat(error.path("message").asString()).isNotBlank();
		assertThat(error.has("requestId")).as("requestId of an unreadable body").isFalse();
		assertStillServes(this.mallory, "lobby");
		assertThat(this.bystander.assertUnaffected()).as("room messages before the check").hasSize(1);
	}

	@Test
	void readableBodyWithABadFieldIsABadRequestAckedWithItsRequestId() {
		this.mallory.send("/app/rooms/lobby/messages", "{\"requestId\": \"r-type\", \"type\": 42, \"body\": {}}");
		JsonNode ack = assertBadRequest("r-type", "/app/rooms/lobby/messages");
		assertThat(ack.path("type").asString()).isEqualTo("send");
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	@Test
	void bodyThatIsNotAJsonObjectIsABadRequest() {
		this.mallory.send("/app/rooms/lobby/messages", "[1, 2, 3]");
		awaitError("bad-request", "/app/rooms/lobby/messages");
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	@ParameterizedTest
	@ValueSource(strings = { "bad!id", "has.dot", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })
	void joinWithABadRoomIdIsABadRequestAndTheConnectionStays(String roomId) {
		String destination = "/app/rooms/" + roomId + "/join";
		this.mallory.send(destination, Map.of("requestId", "j-bad"));
		assertThat(assertBadRequest("j-bad", destination).path("type").asString()).isEqualTo("join");
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	@Test
	void roomIdOfSixtyFourCharactersIsAccepted() {
		String longest = "a".repeat(64);
		assertThat(this.mallory.join(longest).path("ok").asBoolean()).isTrue();
	}

	@Test
	void sendToARoomWithABadIdIsABadRequest() {
		this.mallory.send("/app/rooms/bad!id/messages", Map.of("requestId", "s-bad", "body", "x"));
		assertBadRequest("s-bad", "/app/rooms/bad!id/messages");
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/topic/rooms/bad!id", "/topic/rooms/bad!id/presence",
			"/topic/rooms/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })
	void subscribeToABadRoomIdIsABadRequestWithoutReceipt(String destination) {
		CompletableFuture<Void> receipted = subscribeWithReceipt(this.mallory, destination);
		JsonNode error = awaitError("bad-request", destination);
		assertThat(error.path("message").asString()).isNotBlank();
		// Frames are handled in order: once a later SUBSCRIBE is receipted, the refused
		// one would have been too.
		this.mallory.subscribe("/topic/rooms/fence");
		assertThat(receipted).as("RECEIPT for the refused SUBSCRIBE").isNotDone();
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	@Test
	void subscribeToARoomTheTokenDoesNotAllowIsForbiddenWithoutReceipt() {
		try (StompTestClient limited = StompTestClient.connect(this.port,
				TestTokens.builder("limited").rooms("team-*").sign())) {
			limited.ensureUserQueues();
			CompletableFuture<Void> receipted = subscribeWithReceipt(limited, "/topic/rooms/lobby");
			JsonNode error = limited.awaitError();
			assertThat(error.path("error").asString()).isEqualTo("forbidden");
			assertThat(error.path("destination").asString()).isEqualTo("/topic/rooms/lobby");
			limited.subscribe("/topic/rooms/team-a");
			assertThat(receipted).as("RECEIPT for the refused SUBSCRIBE").isNotDone();
			limited.send("/app/rooms/lobby/join", Map.of("requestId", "j-forbidden"));
			JsonNode ack = limited.awaitAck("j-forbidden");
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("forbidden");
			assertThat(limited.awaitError().path("requestId").asString()).isEqualTo("j-forbidden");
			assertThat(limited.join("team-a").path("ok").asBoolean()).isTrue();
		}
		this.bystander.assertUnaffected();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/queue/errors-usersomeone", "/queue/acks", "/topic/other", "/user/bystander/queue/acks" })
	void subscribeOutsideRoomsAndOwnQueuesIsForbiddenWithoutReceipt(String destination) {
		// /queue/errors-user<session id> is where Spring keeps a session's errors: no
		// client may read it.
		CompletableFuture<Void> receipted = subscribeWithReceipt(this.mallory, destination);
		awaitError("forbidden", destination);
		this.mallory.subscribe("/topic/rooms/fence");
		assertThat(receipted).isNotDone();
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/app/nope", "/app/rooms", "/app/rooms/lobby", "/app/rooms/lobby/unknown",
			"/app/rooms/lobby/commands/bad name!" })
	void unknownAppDestinationIsABadRequestAndTheConnectionStays(String destination) {
		this.mallory.send(destination, Map.of("requestId", "u1"));
		assertBadRequest("u1", destination);
		assertStillServes(this.mallory, "lobby");
		assertThat(this.bystander.assertUnaffected()).as("room messages before the check").hasSize(1);
	}

	@Test
	void unknownAppDestinationWithoutRequestIdIsReportedOnlyOnTheErrorsQueue() {
		this.mallory.send("/app/nope", "{}");
		JsonNode error = awaitError("bad-request", "/app/nope");
		assertThat(error.has("requestId")).isFalse();
		assertStillServes(this.mallory, "lobby");
		assertThat(this.mallory.queue("/user/queue/acks")).as("ACKs of the still-serving check only").isEmpty();
		this.bystander.assertUnaffected();
	}

	@Test
	void errorsEntryCarriesErrorMessageDestinationAndRequestId() {
		this.mallory.send("/app/rooms/not-joined/messages", Map.of("requestId", "nj1", "body", "x"));
		JsonNode ack = this.mallory.awaitAck("nj1");
		assertThat(ack.path("ok").asBoolean()).isFalse();
		assertThat(ack.path("type").asString()).isEqualTo("send");
		assertThat(ack.path("error").asString()).isEqualTo("not-joined");
		assertThat(ack.path("message").asString()).isNotBlank();
		JsonNode error = awaitError("not-joined", "/app/rooms/not-joined/messages");
		assertThat(error.path("message").asString()).isNotBlank();
		assertThat(error.path("requestId").asString()).isEqualTo("nj1");
		this.bystander.assertUnaffected();
	}

	@Test
	void errorGoesOnlyToTheFailingSessionNotToTheSameUsersOtherSession() {
		try (StompTestClient otherTab = StompTestClient.connect(this.port, TestTokens.forUser("mallory"))) {
			otherTab.subscribeAndJoin("lobby");
			this.mallory.send("/app/nope", Map.of("requestId", "tab1"));
			assertThat(this.mallory.awaitError().path("requestId").asString()).isEqualTo("tab1");
			// The other tab's own request is answered after anything sent to it before.
			assertStillServes(otherTab, "lobby");
			assertThat(otherTab.queue(ERRORS)).isEmpty();
			assertThat(otherTab.queue("/user/queue/acks")).isEmpty();
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void misbehavingClientWithManyBadRequestsKeepsItsConnection() {
		for (int i = 0; i < 20; i++) {
			this.mallory.send("/app/rooms/lobby/messages", "{broken " + i);
		}
		for (int i = 0; i < 20; i++) {
			assertThat(this.mallory.awaitError().path("error").asString()).isEqualTo("bad-request");
		}
		assertStillServes(this.mallory, "lobby");
		this.bystander.assertUnaffected();
	}

	private static CompletableFuture<Void> subscribeWithReceipt(StompTestClient client, String destination) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setReceipt("refused-" + destination);
		CompletableFuture<Void> receipted = new CompletableFuture<>();
		client.session().subscribe(headers, new org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter() {
		}).addReceiptTask(() -> receipted.complete(null));
		return receipted;
	}

	/** The connection is open and serves requests: a message sent now is ACKed. */
	/**
	 * The next error on mallory's errors queue has the code and the destination; it is
	 * returned for more checks.
	 */
	private JsonNode awaitError(String code, String destination) {
		JsonNode error = this.mallory.awaitError();
		assertThat(error.path("error").asString()).isEqualTo(code);
		assertThat(error.path("destination").asString()).isEqualTo(destination);
		return error;
	}

	/**
	 * The request was answered with a negative ACK {@code bad-request}, and with the same
	 * error, its request id, destination and message, on the errors queue. Returns the
	 * ACK.
	 */
	private JsonNode assertBadRequest(String requestId, String destination) {
		JsonNode ack = this.mallory.awaitAck(requestId);
		assertThat(ack.path("ok").asBoolean()).isFalse();
		assertThat(ack.path("error").asString()).isEqualTo("bad-request");
		JsonNode error = awaitError("bad-request", destination);
		assertThat(error.path("requestId").asString()).isEqualTo(requestId);
		assertThat(error.path("message").asString()).isNotBlank();
		return ack;
	}

	private static void assertStillServes(StompTestClient client, String roomId) {
		assertThat(client.isConnected()).isTrue();
		assertThat(client.errorFrames()).isEmpty();
		String requestId = "alive-" + System.nanoTime();
		client.send("/app/rooms/" + roomId + "/messages", Map.of("requestId", requestId, "body", "still here"));
		assertThat(client.awaitAck(requestId).path("ok").asBoolean()).as("ACK of " + requestId).isTrue();
	}

}
