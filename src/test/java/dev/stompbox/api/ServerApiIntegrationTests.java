package dev.stompbox.api;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ServerApi;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.support.ServerApi.PUBLISHER;
import static dev.stompbox.support.ServerApi.assertError;
import static dev.stompbox.support.ServerApi.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server API for backends over real HTTP, checked against real STOMP clients
 * (PROTOCOL.md 7.1).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class ServerApiIntegrationTests {

	private static final int ONE_MIB = 1024 * 1024;

	@LocalServerPort
	int port;

	private ServerApi api;

	@BeforeEach
	void api() {
		this.api = new ServerApi(this.port);
	}

	@Test
	void publishedMessageIsAcceptedAndReachesJoinedClientAsFromServer() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			BlockingQueue<Received> room = alice.subscribeAndJoin("api-publish");
			Reply reply = this.api.post("/api/rooms/api-publish/messages", PUBLISHER,
					"{\"type\":\"notice\",\"body\":{\"text\":\"maintenance at noon\"}}");
			assertThat(reply.status()).isEqualTo(202);
			String id = reply.json().path("id").asString();
			assertThat(id).matches("\\d+-\\d+");
			JsonNode envelope = StompTestClient.awaitOn(room, (m) -> true, "alice's room");
			assertThat(envelope.path("id").asString()).isEqualTo(id);
			assertThat(envelope.path("roomId").asString()).isEqualTo("api-publish");
			assertThat(envelope.path("type").asString()).isEqualTo("notice");
			assertThat(envelope.path("from").path("userId").asString()).isEqualTo("server");
			assertThat(envelope.path("body").path("text").asString()).isEqualTo("maintenance at noon");
			assertThat(envelope.path("ts").isNumber()).isTrue();
			assertThat(envelope.has("clientMsgId")).isFalse();
		}
	}

	@Test
	void publishedMessageWithoutTypeGetsDefaultTypeMessage() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			BlockingQueue<Received> room = alice.subscribeAndJoin("api-default-type");
			Reply reply = this.api.post("/api/rooms/api-default-type/messages", PUBLISHER, "{\"body\":1}");
			assertThat(reply.status()).isEqualTo(202);
			JsonNode envelope = StompTestClient.awaitOn(room, (m) -> true, "alice's room");
			assertThat(envelope.path("type").asString()).isEqualTo("message");
			assertThat(envelope.path("body").asInt()).isEqualTo(1);
		}
	}

	@Test
	void repeatedClientMsgIdReturnsFirstIdAndIsDeliveredOnce() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			BlockingQueue<Received> room = alice.subscribeAndJoin("api-dedupe");
			String message = "{\"type\":\"message\",\"body\":\"once\",\"clientMsgId\":\"backend-1\"}";
			Reply first = this.api.post("/api/rooms/api-dedupe/messages", PUBLISHER, message);
			Reply retry = this.api.post("/api/rooms/api-dedupe/messages", PUBLISHER, message);
			assertThat(first.status()).isEqualTo(202);
			assertThat(retry.status()).isEqualTo(202);
			assertThat(retry.json().path("id").asString()).isEqualTo(first.json().path("id").asString());
			String after = this.api.post("/api/rooms/api-dedupe/messages", PUBLISHER, "{\"body\":\"after\"}")
				.json()
				.path("id")
				.asString();
			// Delivery is in id order, so the retry would arrive between these two.
			JsonNode delivered = StompTestClient.awaitOn(room, (m) -> true, "alice's room");
			assertThat(delivered.path("id").asString()).isEqualTo(first.json().path("id").asString());
			assertThat(delivered.path("clientMsgId").asString()).isEqualTo("backend-1");
			assertThat(StompTestClient.awaitOn(room, (m) -> true, "alice's room").path("id").asString())
				.isEqualTo(after);
			assertThat(this.api.history("api-dedupe", null, null).path("messages")).hasSize(2);
		}
	}

	@Test
	void ephemeralMessageIsDeliveredButNotKept() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"))) {
			BlockingQueue<Received> room = alice.subscribeAndJoin("api-ephemeral");
			String kept = this.api.post("/api/rooms/api-ephemeral/messages", PUBLISHER, "{\"body\":\"kept\"}")
				.json()
				.path("id")
				.asString();
			Reply ephemeral = this.api.post("/api/rooms/api-ephemeral/messages", PUBLISHER,
					"{\"type\":\"typing\",\"body\":null,\"ephemeral\":true}");
			assertThat(ephemeral.status()).isEqualTo(202);
			String ephemeralId = ephemeral.json().path("id").asString();
			StompTestClient.awaitOn(room, (m) -> m.path("id").asString().equals(kept), "alice's room");
			JsonNode live = StompTestClient.awaitOn(room, (m) -> true, "alice's room");
			assertThat(live.path("id").asString()).isEqualTo(ephemeralId);
			assertThat(live.path("type").asString()).isEqualTo("typing");
			JsonNode page = this.api.history("api-ephemeral", null, null);
			assertThat(ids(page)).containsExactly(kept);
		}
	}

	@Test
	void userEventReachesThatUserAsTypeBodyTsAndNoOtherUser() {
		try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("ev1-alice"));
				StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("ev1-bob"))) {
			alice.ensureUserQueues();
			bob.ensureUserQueues();
			publishInvoicePaid("ev1-alice");
			assertIsInvoicePaid(alice.await("/user/queue/events", (e) -> true));
			assertNothingElseBefore(bob, "ev1-bob");
		}
	}

	@Test
	void userEventReachesEverySessionOfThatUser() {
		try (StompTestClient aliceTab1 = StompTestClient.connect(this.port, TestTokens.forUser("ev2-alice"));
				StompTestClient aliceTab2 = StompTestClient.connect(this.port, TestTokens.forUser("ev2-alice"));
				StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("ev2-bob"))) {
			aliceTab1.ensureUserQueues();
			aliceTab2.ensureUserQueues();
			bob.ensureUserQueues();
			publishInvoicePaid("ev2-alice");
			assertIsInvoicePaid(aliceTab1.await("/user/queue/events", (e) -> true));
			assertIsInvoicePaid(aliceTab2.await("/user/queue/events", (e) -> true));
			assertNothingElseBefore(bob, "ev2-bob");
		}
	}

	private void publishInvoicePaid(String userId) {
		Reply reply = this.api.post("/api/users/" + userId + "/events", PUBLISHER,
				"{\"type\":\"invoice-paid\",\"body\":{\"invoice\":7}}");
		assertThat(reply.status()).isEqualTo(202);
	}

	private static void assertIsInvoicePaid(JsonNode event) {
		assertThat(event.path("type").asString()).isEqualTo("invoice-paid");
		assertThat(event.path("body").path("invoice").asInt()).isEqualTo(7);
		assertThat(event.path("ts").isNumber()).isTrue();
		assertThat(event.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("type", "body", "ts");
	}

	/**
	 * Sends the user an event of their own and checks it is the first one they get:
	 * events to one session arrive in order, so an earlier one meant for someone else
	 * would come first.
	 */
	private void assertNothingElseBefore(StompTestClient client, String userId) {
		Reply reply = this.api.post("/api/users/" + userId + "/events", PUBLISHER, "{\"type\":\"own\",\"body\":null}");
		assertThat(reply.status()).isEqualTo(202);
		assertThat(client.await("/user/queue/events", (e) -> true).path("type").asString()).isEqualTo("own");
	}

	@Test
	void userEventWithoutTypeIsBadRequest() {
		Reply reply = this.api.post("/api/users/someone/events", PUBLISHER, "{\"body\":1}");
		assertError(reply, 400, "bad-request");
	}

	@Test
	void presenceListsJoinedUsersWithTheirSessionCounts() {
		String alice = TestTokens.builder("pr-alice").name("Alice").sign();
		try (StompTestClient aliceTab1 = StompTestClient.connect(this.port, alice);
				StompTestClient aliceTab2 = StompTestClient.connect(this.port, alice);
				StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("pr-bob"))) {
			aliceTab1.subscribeAndJoin("api-presence");
			aliceTab2.subscribeAndJoin("api-presence");
			bob.subscribeAndJoin("api-presence");
			Reply reply = this.api.get("/api/rooms/api-presence/presence", PUBLISHER);
			assertThat(reply.status()).isEqualTo(200);
			assertThat(reply.json().path("roomId").asString()).isEqualTo("api-presence");
			assertThat(members(reply.json())).containsExactly("pr-alice:Alice:2", "pr-bob:pr-bob:1");
			assertThat(reply.json().path("memberCount").asInt()).isEqualTo(2);
			assertThat(reply.json().path("next").isNull()).as("one page holds them all: %s", reply.body()).isTrue();
			// Bob's only session goes: he is no longer present, Alice still is.
			bob.close();
			await().atMost(StompTestClient.TIMEOUT)
				.untilAsserted(
						() -> assertThat(members(this.api.get("/api/rooms/api-presence/presence", PUBLISHER).json()))
							.containsExactly("pr-alice:Alice:2"));
		}
	}

	@Test
	void presenceOfEmptyRoomHasNoMembers() {
		Reply reply = this.api.get("/api/rooms/api-presence-empty/presence", PUBLISHER);
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.json().path("roomId").asString()).isEqualTo("api-presence-empty");
		assertThat(reply.json().path("members").isArray()).isTrue();
		assertThat(reply.json().path("members")).isEmpty();
		assertThat(reply.json().path("memberCount").asInt()).isZero();
		assertThat(reply.json().path("next").isNull()).isTrue();
	}

	@Test
	void presenceIsPagedByUserIdEveryMemberExactlyOnce() {
		String room = "api-presence-pages";
		List<StompTestClient> clients = new java.util.ArrayList<>();
		try {
			for (int i = 6; i >= 0; i--) {
				StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("pp-user-" + i));
				clients.add(client);
				client.join(room);
			}
			List<String> everyone = List.of("pp-user-0", "pp-user-1", "pp-user-2", "pp-user-3", "pp-user-4",
					"pp-user-5", "pp-user-6");
			assertThat(dev.stompbox.support.BoundedReplies.pageThroughPresence(this.port, room, 3, 7))
				.containsExactlyElementsOf(everyone);
			assertThat(dev.stompbox.support.BoundedReplies.pageThroughPresence(this.port, room, 7, 7))
				.containsExactlyElementsOf(everyone);
			JsonNode last = this.api.get("/api/rooms/" + room + "/presence?after=pp-user-3&limit=2", PUBLISHER).json();
			assertThat(members(last)).containsExactly("pp-user-4:pp-user-4:1", "pp-user-5:pp-user-5:1");
			assertThat(last.path("next").asString()).isEqualTo("pp-user-5");
			JsonNode beyond = this.api.get("/api/rooms/" + room + "/presence?after=pp-user-6", PUBLISHER).json();
			assertThat(beyond.path("members")).isEmpty();
			assertThat(beyond.path("memberCount").asInt()).isEqualTo(7);
			assertThat(beyond.path("next").isNull()).isTrue();
			JsonNode capped = this.api.get("/api/rooms/" + room + "/presence?limit=5000", PUBLISHER).json();
			assertThat(capped.path("members")).as("a limit over 1000 is 1000").hasSize(7);
		}
		finally {
			clients.forEach(StompTestClient::close);
		}
	}

	@Test
	void presenceWithABadLimitIsBadRequest() {
		for (String limit : List.of("0", "-1", "abc", "1.5", "99999999999")) {
			assertError(this.api.get("/api/rooms/lobby/presence?limit=" + limit, PUBLISHER), 400, "bad-request");
		}
		assertError(this.api.get("/api/rooms/lobby/presence?after=" + "u".repeat(129), PUBLISHER), 400, "bad-request");
	}

	@Test
	void historyReturnsTheOldestMessagesAfterSinceOldestFirst() {
		List<String> ids = this.api.publish("api-history", 5);
		JsonNode page = this.api.history("api-history", ids.get(0), 2);
		assertThat(ids(page)).containsExactly(ids.get(1), ids.get(2));
		assertThat(page.path("complete").asBoolean()).isTrue();
		assertThat(ids(this.api.history("api-history", ids.get(2), null))).containsExactly(ids.get(3), ids.get(4));
		assertThat(ids(this.api.history("api-history", ids.get(4), null))).isEmpty();
		JsonNode first = page.path("messages").get(0);
		assertThat(first.path("roomId").asString()).isEqualTo("api-history");
		assertThat(first.path("from").path("userId").asString()).isEqualTo("server");
		assertThat(first.path("body").asString()).isEqualTo("m2");
	}

	@Test
	void historyWithoutSinceReturnsEverythingKept() {
		List<String> ids = this.api.publish("api-history-all", 4);
		JsonNode page = this.api.history("api-history-all", null, null);
		assertThat(ids(page)).containsExactlyElementsOf(ids);
		assertThat(page.path("complete").asBoolean()).isTrue();
		assertThat(ids(this.api.history("api-history-all", "0-0", null))).containsExactlyElementsOf(ids);
		assertThat(ids(this.api.history("api-history-all", null, 3))).containsExactlyElementsOf(ids.subList(0, 3));
	}

	@Test
	void historyOfRoomWithoutMessagesIsEmptyAndComplete() {
		JsonNode page = this.api.history("api-history-none", null, null);
		assertThat(page.path("messages").isArray()).isTrue();
		assertThat(page.path("messages")).isEmpty();
		assertThat(page.path("complete").asBoolean()).isTrue();
	}

	@Test
	void historyRejectsBadSinceAndLimit() {
		for (String query : List.of("since=abc", "since=12", "since=-1-0", "since=1-x", "limit=0", "limit=-1",
				"limit=abc", "limit=99999999999", "limit=1.5", "since=1-0&limit=0")) {
			Reply reply = this.api.get("/api/rooms/api-history-bad/messages?" + query, PUBLISHER);
			assertThat(reply.status()).as(query).isEqualTo(400);
			assertThat(reply.json().path("error").asString()).as(query).isEqualTo("bad-request");
			assertThat(reply.json().path("message").asString()).as(query).isNotBlank();
		}
	}

	@Test
	void callsWithoutTokenAreUnauthorized() {
		assertEveryEndpointAnswers(null, 401, "unauthorized");
	}

	@Test
	void callsWithInvalidTokenAreUnauthorized() {
		String forged = TestTokens.builder("backend")
			.scope("stompbox:publish")
			.secret("another-secret-that-is-at-least-32-bytes")
			.sign();
		String expired = TestTokens.builder("backend")
			.scope("stompbox:publish")
			.expiresIn(Duration.ofMinutes(-5))
			.sign();
		String unsigned = TestTokens.builder("backend").scope("stompbox:publish").unsigned();
		for (String token : List.of(forged, expired, unsigned, "not-a-jwt")) {
			assertError(this.api.post("/api/rooms/lobby/messages", token, "{\"body\":1}"), 401, "unauthorized");
		}
	}

	@Test
	void callsWithTokenLackingPublishScopeAreForbidden() {
		String client = TestTokens.forUser("alice");
		String otherScope = TestTokens.builder("alice").scope("openid profile").sign();
		for (String token : List.of(client, otherScope)) {
			assertEveryEndpointAnswers(token, 403, "forbidden");
		}
	}

	@Test
	void badRoomIdIsBadRequest() {
		String tooLong = "r".repeat(65);
		for (String room : List.of(tooLong, "bad.room", "bad%20room", "caf%C3%A9")) {
			String path = "/api/rooms/" + room;
			assertError(this.api.post(path + "/messages", PUBLISHER, "{\"body\":1}"), 400, "bad-request");
			assertError(this.api.get(path + "/presence", PUBLISHER), 400, "bad-request");
			assertError(this.api.get(path + "/messages", PUBLISHER), 400, "bad-request");
		}
	}

	@Test
	void unknownApiPathIsNotFoundAsJson() {
		assertError(this.api.get("/api/rooms/lobby/unknown", PUBLISHER), 404, "not-found");
		assertError(this.api.post("/api/nothing-here", PUBLISHER, "{}"), 404, "not-found");
	}

	@Test
	void malformedJsonIsBadRequest() {
		for (String body : List.of("{not json", "{\"body\":", "[1,2]", "\"text\"", "{\"type\":5}",
				"{\"ephemeral\":\"yes\"}", "{\"clientMsgId\":\"\"}")) {
			assertError(this.api.post("/api/rooms/lobby/messages", PUBLISHER, body), 400, "bad-request");
		}
		assertError(this.api.post("/api/users/alice/events", PUBLISHER, "{not json"), 400, "bad-request");
	}

	@Test
	void bodyOverOneMebibyteWithContentLengthIsTooLarge() {
		byte[] body = jsonOfSize(ONE_MIB + 1);
		Reply reply = this.api
			.send(this.api.request("/api/rooms/lobby/messages", PUBLISHER).POST(BodyPublishers.ofByteArray(body)));
		assertError(reply, 413, "too-large");
	}

	@Test
	void chunkedBodyOverOneMebibyteIsTooLarge() {
		byte[] body = jsonOfSize(ONE_MIB + 1);
		// Of unknown length, so the client declares none and sends the body chunked.
		BodyPublisher chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
		assertThat(chunked.contentLength()).isNegative();
		Reply reply = this.api.send(this.api.request("/api/rooms/lobby/messages", PUBLISHER).POST(chunked));
		assertError(reply, 413, "too-large");
	}

	@Test
	void bodyOfExactlyOneMebibyteIsAcceptedWithContentLengthAndChunked() {
		byte[] body = jsonOfSize(ONE_MIB);
		Reply declared = this.api
			.send(this.api.request("/api/rooms/api-big/messages", PUBLISHER).POST(BodyPublishers.ofByteArray(body)));
		assertThat(declared.status()).as(declared.body()).isEqualTo(202);
		Reply chunked = this.api.send(this.api.request("/api/rooms/api-big/messages", PUBLISHER)
			.POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
		assertThat(chunked.status()).as(chunked.body()).isEqualTo(202);
	}

	/** Each endpoint of the server API answers the token with the error. */
	private void assertEveryEndpointAnswers(@Nullable String token, int status, String error) {
		assertError(this.api.post("/api/rooms/lobby/messages", token, "{\"body\":1}"), status, error);
		assertError(this.api.get("/api/rooms/lobby/presence", token), status, error);
		assertError(this.api.get("/api/rooms/lobby/messages", token), status, error);
		assertError(this.api.post("/api/users/bob/events", token, "{\"type\":\"t\"}"), status, error);
	}

	/** A JSON object of exactly {@code size} bytes. */
	private static byte[] jsonOfSize(int size) {
		String prefix = "{\"body\":\"";
		String suffix = "\"}";
		byte[] bytes = (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix)
			.getBytes(StandardCharsets.UTF_8);
		assertThat(bytes).hasSize(size);
		return bytes;
	}

	private static List<String> members(JsonNode snapshot) {
		return snapshot.path("members")
			.valueStream()
			.map((m) -> m.path("userId").asString() + ":" + m.path("name").asString() + ":"
					+ m.path("sessions").asInt())
			.toList();
	}

}
