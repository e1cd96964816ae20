package dev.stompbox.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.command.ClientCommand;
import dev.stompbox.command.InMemoryCommandSink;
import dev.stompbox.support.ServerApi;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md sections 4.3 and 4.4: sending, retries, ephemeral messages, leaving and
 * commands.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class SendingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	InMemoryCommandSink commands;

	@OverBothTransports
	void sendingBeforeJoiningIsRefusedWithNotJoinedAndDeliversNothing(Transport transport) {
		String room = Fixtures.room("nj");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "nj", transport)) {
			BlockingQueue<Received> messages = client.subscribe("/topic/rooms/" + room);
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/messages", Map.of("requestId", "r2", "body", "too early"));
			JsonNode ack = client.awaitAck("r2");
			assertThat(ack.path("type").asString()).isEqualTo("send");
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("not-joined");
			JsonNode error = client.awaitError();
			assertThat(error.propertyNames()).containsExactlyInAnyOrder("error", "message", "requestId", "destination");
			assertThat(error.path("error").asString()).isEqualTo("not-joined");
			assertThat(error.path("message").asString()).isNotBlank();
			assertThat(error.path("requestId").asString()).isEqualTo("r2");
			assertThat(error.path("destination").asString()).isEqualTo("/app/rooms/" + room + "/messages");

			client.join(room);
			client.send("/app/rooms/" + room + "/messages", Map.of("body", "marker"));
			assertThat(Fixtures.next(messages, "room").path("body").asString())
				.as("the refused message was not delivered")
				.isEqualTo("marker");
		}
	}

	@OverBothTransports
	void sendIsAckedWithTheIdTheMessageIsDeliveredWith(Transport transport) {
		String room = Fixtures.room("ack");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "a", transport)) {
			BlockingQueue<Received> messages = client.subscribeAndJoin(room);
			client.send("/app/rooms/" + room + "/messages", Map.of("body", "no ACK asked for"));
			client.send("/app/rooms/" + room + "/messages", Map.of("requestId", "r2", "body", Map.of("k", "v")));
			JsonNode ack = Fixtures.next(client.queue("/user/queue/acks"), "acks");
			assertThat(ack.path("requestId").asString()).as("no ACK for a send without requestId").isEqualTo("r2");
			assertThat(ack.propertyNames()).containsExactlyInAnyOrder("requestId", "type", "ok", "id");
			assertThat(ack.path("type").asString()).isEqualTo("send");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(Fixtures.next(messages, "room").path("body").asString()).isEqualTo("no ACK asked for");
			assertThat(ack.path("id").asString()).isEqualTo(Fixtures.next(messages, "room").path("id").asString());
		}
	}

	@OverBothTransports
	void retryWithTheSameClientMsgIdFromAnotherSessionOfTheUserIsNotDeliveredAgain(Transport transport) {
		String room = Fixtures.room("dedupe");
		String alice = Fixtures.user("alice");
		try (StompTestClient tab1 = Fixtures.connectAs(this.port, alice, transport);
				StompTestClient tab2 = Fixtures.connectAs(this.port, alice, transport);
				StompTestClient observer = Fixtures.connectNewUser(this.port, "o", transport)) {
			BlockingQueue<Received> observed = observer.subscribeAndJoin(room);
			tab1.join(room);
			tab2.join(room);
			String firstId = send(tab1, room, "first", "c-42", "once").path("id").asString();
			JsonNode retryAck = send(tab2, room, "retry", "c-42", "once");
			assertThat(retryAck.path("ok").asBoolean()).isTrue();
			assertThat(retryAck.path("id").asString()).isEqualTo(firstId);
			tab2.send("/app/rooms/" + room + "/messages", Map.of("body", "marker"));

			JsonNode first = Fixtures.next(observed, "observer");
			assertThat(first.path("id").asString()).isEqualTo(firstId);
			assertThat(first.path("clientMsgId").asString()).isEqualTo("c-42");
			assertThat(Fixtures.next(observed, "observer").path("body").asString()).as("the retry was not delivered")
				.isEqualTo("marker");
		}
	}

	@OverBothTransports
	void anotherUserWithTheSameClientMsgIdIsDelivered(Transport transport) {
		String room = Fixtures.room("dedupe");
		try (StompTestClient alice = Fixtures.connectNewUser(this.port, "alice", transport);
				StompTestClient bob = Fixtures.connectNewUser(this.port, "bob", transport)) {
			BlockingQueue<Received> observed = alice.subscribeAndJoin(room);
			bob.join(room);
			String aliceId = send(alice, room, "a", "c-1", "from alice").path("id").asString();
			String bobId = send(bob, room, "b", "c-1", "from bob").path("id").asString();
			assertThat(bobId).isNotEqualTo(aliceId);
			assertThat(Fixtures.next(observed, "room").path("id").asString()).isEqualTo(aliceId);
			JsonNode fromBob = Fixtures.next(observed, "room");
			assertThat(fromBob.path("id").asString()).isEqualTo(bobId);
			assertThat(fromBob.path("body").asString()).isEqualTo("from bob");
		}
	}

	@OverBothTransports
	void sameClientMsgIdInAnotherRoomIsDelivered(Transport transport) {
		String room1 = Fixtures.room("dedupe");
		String room2 = Fixtures.room("dedupe");
		try (StompTestClient alice = Fixtures.connectNewUser(this.port, "alice", transport)) {
			alice.subscribeAndJoin(room1);
			BlockingQueue<Received> second = alice.subscribeAndJoin(room2);
			send(alice, room1, "a", "c-1", 1);
			String secondId = send(alice, room2, "b", "c-1", 2).path("id").asString();
			assertThat(Fixtures.next(second, "second room").path("id").asString()).isEqualTo(secondId);
		}
	}

	@OverBothTransports
	void ephemeralMessagesAreDeliveredLiveButNeitherRecoveredNorKept(Transport transport) {
		String room = Fixtures.room("eph");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s", transport);
				StompTestClient late = Fixtures.connectNewUser(this.port, "l", transport)) {
			BlockingQueue<Received> live = sender.subscribeAndJoin(room);
			sender.send("/app/rooms/" + room + "/messages",
					Map.of("requestId", "typing", "type", "typing", "ephemeral", true, "body", Map.of("on", true)));
			sender.send("/app/rooms/" + room + "/messages", Map.of("requestId", "kept", "body", "kept"));
			String ephemeralId = sender.awaitAck("typing").path("id").asString();
			String keptId = sender.awaitAck("kept").path("id").asString();
			JsonNode typing = Fixtures.next(live, "room");
			assertThat(typing.path("id").asString()).isEqualTo(ephemeralId);
			assertThat(typing.path("type").asString()).isEqualTo("typing");
			assertThat(typing.has("ephemeral")).as("the envelope is the section 3 one").isFalse();
			assertThat(Fixtures.next(live, "room").path("id").asString()).isEqualTo(keptId);

			late.subscribe("/topic/rooms/" + room);
			JsonNode ack = late.joinSince(room, "0-0");
			assertThat(Fixtures.ids(ack.path("recovered"))).containsExactly(keptId);
			JsonNode history = ServerApi.on(this.port).history(room, null, null);
			assertThat(Fixtures.ids(history.path("messages"))).containsExactly(keptId);
		}
	}

	@OverBothTransports
	void leaveIsAckedAndSendingAfterLeavingIsNotJoined(Transport transport) {
		String room = Fixtures.room("leave");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "l", transport)) {
			client.subscribeAndJoin(room);
			client.send("/app/rooms/" + room + "/leave", Map.of("requestId", "bye"));
			JsonNode ack = client.awaitAck("bye");
			assertThat(ack.path("type").asString()).isEqualTo("leave");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			assertThat(ack.path("roomId").asString()).isEqualTo(room);

			client.send("/app/rooms/" + room + "/messages", Map.of("requestId", "late", "body", "after leaving"));
			JsonNode refused = client.awaitAck("late");
			assertThat(refused.path("ok").asBoolean()).isFalse();
			assertThat(refused.path("error").asString()).isEqualTo("not-joined");
		}
	}

	@OverBothTransports
	void commandIsAckedOnceStoredWithItsBodyExactlyAsSent(Transport transport) {
		String room = Fixtures.room("cmd");
		String user = Fixtures.user("reader");
		String body = "{\"requestId\": \"r3\",  \"messageId\":\"x\", \"extra\": [1, 2.50, {\"deep\": null}],"
				+ " \"note\": \"caf\u00e9 \ud83d\ude00 \\u00e9\"}";
		try (StompTestClient client = Fixtures.connectAs(this.port, user, transport)) {
			client.subscribeAndJoin(room);
			long before = System.currentTimeMillis();
			client.send("/app/rooms/" + room + "/commands/markRead", body);
			JsonNode ack = client.awaitAck("r3");
			long after = System.currentTimeMillis();
			assertThat(ack.path("type").asString()).isEqualTo("command");
			assertThat(ack.path("ok").asBoolean()).isTrue();

			List<ClientCommand> stored = this.commands.recent()
				.stream()
				.filter((command) -> command.userId().equals(user))
				.toList();
			assertThat(stored).hasSize(1);
			ClientCommand command = stored.get(0);
			assertThat(command.name()).isEqualTo("markRead");
			assertThat(command.roomId()).isEqualTo(room);
			assertThat(command.userId()).isEqualTo(user);
			assertThat(command.body()).isEqualTo(body);
			assertThat(command.ts()).isBetween(before, after);
		}
	}

	@OverBothTransports
	void commandWithABodyThatIsNotAJsonObjectIsABadRequest(Transport transport) {
		String room = Fixtures.room("cmd");
		String user = Fixtures.user("cmd");
		try (StompTestClient client = Fixtures.connectAs(this.port, user, transport)) {
			client.subscribeAndJoin(room);
			for (String body : new String[] { "[\"requestId\", \"r4\"]", "\"markRead\"", "42", "{not json" }) {
				client.send("/app/rooms/" + room + "/commands/markRead", body);
				JsonNode error = client.awaitError();
				assertThat(error.path("error").asString()).as("body %s", body).isEqualTo("bad-request");
				assertThat(error.path("destination").asString()).isEqualTo("/app/rooms/" + room + "/commands/markRead");
			}
			assertThat(this.commands.recent()).noneMatch((command) -> command.userId().equals(user));
		}
	}

	/** Sends a message with a clientMsgId to the room and returns its ACK. */
	private static JsonNode send(StompTestClient client, String room, String requestId, String clientMsgId,
			Object body) {
		client.send("/app/rooms/" + room + "/messages",
				Map.of("requestId", requestId, "clientMsgId", clientMsgId, "body", body));
		return client.awaitAck(requestId);
	}

}
