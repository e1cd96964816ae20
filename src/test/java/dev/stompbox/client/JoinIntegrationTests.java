package dev.stompbox.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 4.1: the join ACK, recovery with {@code since}, and the
 * first-message race.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class JoinIntegrationTests {

	@LocalServerPort
	int port;

	@OverBothTransports
	void joinAckOfAnEmptyRoomEchoesRequestIdAndHasNoLastIdAndNothingRecovered(Transport transport) {
		String room = Fixtures.room("join");
		String alice = Fixtures.user("alice");
		try (StompTestClient client = Fixtures.connectAs(this.port, alice, "Alice", transport)) {
			client.subscribe("/topic/rooms/" + room);
			JsonNode ack = client.join(room, Map.of("requestId", "r1"));
			assertThat(ack.propertyNames()).containsExactlyInAnyOrder("requestId", "type", "ok", "roomId", "members",
					"memberCount", "lastId", "recovered", "recoveredAll", "more");
			assertThat(ack.path("requestId").asString()).isEqualTo("r1");
			assertThat(ack.path("type").asString()).isEqualTo("join");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(ack.path("roomId").asString()).isEqualTo(room);
			assertThat(ack.path("members"))
				.isEqualTo(Fixtures.json("[{\"userId\": \"" + alice + "\", \"name\": \"Alice\", \"sessions\": 1}]"));
			assertThat(ack.path("memberCount").asInt()).isEqualTo(1);
			assertThat(ack.get("lastId").isNull()).as("lastId of an empty room: %s", ack).isTrue();
			assertThat(ack.path("recovered").isArray()).isTrue();
			assertThat(ack.path("recovered")).isEmpty();
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
			assertThat(ack.path("more").asBoolean()).isFalse();
		}
	}

	@OverBothTransports
	void joinAckListsEveryPresentUserWithTheirSessionCount(Transport transport) {
		String room = Fixtures.room("members");
		String alice = Fixtures.user("alice");
		String bob = Fixtures.user("bob");
		try (StompTestClient aliceTab1 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient aliceTab2 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient bobTab = Fixtures.connectAs(this.port, bob, "Bob", transport)) {
			aliceTab1.subscribeAndJoin(room);
			aliceTab2.subscribe("/topic/rooms/" + room);
			JsonNode second = aliceTab2.join(room);
			assertThat(second.path("members"))
				.isEqualTo(Fixtures.json("[{\"userId\": \"" + alice + "\", \"name\": \"Alice\", \"sessions\": 2}]"));
			bobTab.subscribe("/topic/rooms/" + room);
			JsonNode third = bobTab.join(room);
			assertThat(membersByUser(third)).containsExactlyInAnyOrderEntriesOf(Map.of(alice, 2, bob, 1));
			assertThat(third.path("memberCount").asInt()).isEqualTo(2);
			assertThat(third.path("members").findValuesAsString("name")).containsExactlyInAnyOrder("Alice", "Bob");
		}
	}

	@OverBothTransports
	void withoutSinceLastIdIsTheNewestIdAndNothingIsRecovered(Transport transport) {
		String room = Fixtures.room("last");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s", transport);
				StompTestClient late = Fixtures.connectNewUser(this.port, "l", transport)) {
			List<String> sent = sendMessages(sender, room, 3);
			late.subscribe("/topic/rooms/" + room);
			JsonNode ack = late.join(room);
			assertThat(ack.path("lastId").asString()).isEqualTo(sent.get(2));
			assertThat(ack.path("recovered")).isEmpty();
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
		}
	}

	@OverBothTransports
	void sinceGivesExactlyTheMessagesAfterItOldestFirst(Transport transport) {
		String room = Fixtures.room("since");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s", transport);
				StompTestClient late = Fixtures.connectNewUser(this.port, "l", transport)) {
			BlockingQueue<Received> live = sender.subscribeAndJoin(room);
			List<String> sent = sendMessages(sender, room, 5);
			List<JsonNode> delivered = new ArrayList<>();
			for (int i = 0; i < sent.size(); i++) {
				delivered.add(Fixtures.next(live, "room"));
			}
			late.subscribe("/topic/rooms/" + room);

			JsonNode ack = late.joinSince(room, sent.get(1));
			assertThat(Fixtures.ids(ack.path("recovered"))).containsExactlyElementsOf(sent.subList(2, 5));
			List<JsonNode> recovered = new ArrayList<>();
			ack.path("recovered").forEach(recovered::add);
			assertThat(recovered).as("recovered envelopes equal the live ones")
				.containsExactlyElementsOf(delivered.subList(2, 5));
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
			assertThat(ack.path("lastId").asString()).isEqualTo(sent.get(4));

			JsonNode upToDate = late.joinSince(room, sent.get(4));
			assertThat(upToDate.path("recovered")).isEmpty();
			assertThat(upToDate.path("recoveredAll").asBoolean()).isTrue();
		}
	}

	@OverBothTransports
	void sinceZeroGivesEverythingKept(Transport transport) {
		String room = Fixtures.room("zero");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s", transport);
				StompTestClient fresh = Fixtures.connectNewUser(this.port, "f", transport)) {
			List<String> sent = sendMessages(sender, room, 4);
			fresh.subscribe("/topic/rooms/" + room);
			JsonNode ack = fresh.joinSince(room, "0-0");
			assertThat(Fixtures.ids(ack.path("recovered"))).containsExactlyElementsOf(sent);
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
			assertThat(ack.path("more").asBoolean()).isFalse();
		}
	}

	/**
	 * An empty room recovers nothing: completely from {@code 0-0}, not from an id of an
	 * unknown earlier incarnation of the room.
	 */
	@ParameterizedTest(name = "since {0}")
	@CsvSource({ "0-0, true", "123-0, false" })
	void sinceInAnEmptyRoomRecoversNothingAndIsCompleteOnlyFromZero(String since, boolean recoveredAll) {
		String room = Fixtures.room("empty");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.subscribe("/topic/rooms/" + room);
			JsonNode ack = client.joinSince(room, since);
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(ack.path("recovered")).isEmpty();
			assertThat(ack.path("recoveredAll").asBoolean()).isEqualTo(recoveredAll);
			assertThat(ack.get("lastId").isNull()).isTrue();
		}
	}

	@Test
	void sinceOlderThanEveryIdOfTheRoomsCurrentIncarnationIsNotRecoveredAll() {
		String room = Fixtures.room("incarnation");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s");
				StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			List<String> sent = sendMessages(sender, room, 2);
			client.subscribe("/topic/rooms/" + room);
			// The client saw message 123-0, which this room never had: messages it missed
			// are lost.
			JsonNode ack = client.joinSince(room, "123-0");
			assertThat(Fixtures.ids(ack.path("recovered"))).containsExactlyElementsOf(sent);
			assertThat(ack.path("recoveredAll").asBoolean()).isFalse();
		}
	}

	@OverBothTransports
	void joinWithoutRequestIdOrBodyIsStillAnswered(Transport transport) {
		String room = Fixtures.room("bare");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c", transport)) {
			client.subscribe("/topic/rooms/" + room);
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/join", "");
			JsonNode ack = Fixtures.next(client.queue("/user/queue/acks"), "acks");
			assertThat(ack.has("requestId")).isFalse();
			assertThat(ack.path("type").asString()).isEqualTo("join");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(ack.path("roomId").asString()).isEqualTo(room);
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
		}
	}

	@Test
	void roomIdsOfUpTo64LettersDigitsDashesAndUnderscoresAreAccepted() {
		String longest = "A-z_9" + "x".repeat(59);
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.subscribe("/topic/rooms/" + longest);
			JsonNode ack = client.join(longest);
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(ack.path("roomId").asString()).isEqualTo(longest);
		}
	}

	@Test
	void roomIdsOutsideThePatternAreBadRequests() {
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.ensureUserQueues();
			for (String room : new String[] { "x".repeat(65), "a.b", "caf\u00e9", "a+b" }) {
				client.send("/app/rooms/" + room + "/join", Map.of("requestId", "bad-" + room));
				JsonNode ack = client.awaitAck("bad-" + room);
				assertThat(ack.path("ok").asBoolean()).as("room id %s", room).isFalse();
				assertThat(ack.path("error").asString()).as("room id %s", room).isEqualTo("bad-request");
				assertThat(client.awaitError().path("error").asString()).isEqualTo("bad-request");
			}
		}
	}

	@Test
	void malformedSinceIsABadRequest() {
		String room = Fixtures.room("bad");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.subscribe("/topic/rooms/" + room);
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/join", Map.of("requestId", "j", "since", "yesterday"));
			JsonNode ack = client.awaitAck("j");
			assertThat(ack.path("type").asString()).isEqualTo("join");
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("bad-request");
			assertThat(client.awaitError().path("requestId").asString()).isEqualTo("j");
		}
	}

	@Test
	void joiningARoomTheTokenDoesNotAllowIsForbidden() {
		String room = Fixtures.room("closed");
		try (StompTestClient client = StompTestClient.connect(this.port,
				TestTokens.builder(Fixtures.user("c")).rooms("open-*").sign())) {
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/join", Map.of("requestId", "j"));
			JsonNode ack = client.awaitAck("j");
			assertThat(ack.path("type").asString()).isEqualTo("join");
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("forbidden");
			JsonNode error = client.awaitError();
			assertThat(error.path("error").asString()).isEqualTo("forbidden");
			assertThat(error.path("destination").asString()).isEqualTo("/app/rooms/" + room + "/join");
		}
	}

	/**
	 * The join ACK promise: a message published after the ACK reaches the joiner's room
	 * subscription. Every round uses a fresh room, so the joiner's subscription is always
	 * new. Half the rounds join without waiting for the SUBSCRIBE's RECEIPT: the promise
	 * is the ACK's, not the RECEIPT's.
	 */
	@OverBothTransports
	void messageSentRightAfterTheJoinAckAlwaysArrives(Transport transport) {
		try (StompTestClient joiner = Fixtures.connectNewUser(this.port, "joiner", transport);
				StompTestClient member = Fixtures.connectNewUser(this.port, "member", transport)) {
			joiner.ensureUserQueues();
			member.ensureUserQueues();
			for (int round = 0; round < 50; round++) {
				String room = Fixtures.room("race" + round);
				member.join(room);
				BlockingQueue<Received> messages = joiner.subscribeNoWait("/topic/rooms/" + room, round % 2 == 0);
				JsonNode ack = joiner.join(room);
				assertThat(ack.path("ok").asBoolean()).isTrue();
				member.send("/app/rooms/" + room + "/messages", Map.of("body", "first " + round));
				JsonNode first = Fixtures.next(messages, "round " + round);
				assertThat(first.path("body").asString()).isEqualTo("first " + round);
			}
		}
	}

	/** Sends messages with request ids and returns their ids from the ACKs, in order. */
	static List<String> sendMessages(StompTestClient sender, String room, int count) {
		sender.join(room);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String requestId = "m" + i + "-" + room;
			sender.send("/app/rooms/" + room + "/messages", Map.of("requestId", requestId, "body", Map.of("n", i)));
			ids.add(sender.awaitAck(requestId).path("id").asString());
		}
		return ids;
	}

	private static Map<String, Integer> membersByUser(JsonNode ack) {
		Map<String, Integer> members = new HashMap<>();
		ack.path("members")
			.forEach((member) -> members.put(member.path("userId").asString(), member.path("sessions").asInt()));
		return members;
	}

}
