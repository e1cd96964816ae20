package dev.stompbox.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.ServerApi;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 4.2: join and leave events per user, not per tab, and the presence
 * snapshot. A watcher that subscribes to the presence topic without joining sees the
 * events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class PresenceIntegrationTests {

	@LocalServerPort
	int port;

	@OverBothTransports
	void joinEventComesForAUsersFirstSessionOnlyAndCountsPresentUsers(Transport transport) {
		String room = Fixtures.room("pres");
		String alice = Fixtures.user("alice");
		String bob = Fixtures.user("bob");
		try (StompTestClient watcher = Fixtures.connectNewUser(this.port, "w", transport);
				StompTestClient aliceTab1 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient aliceTab2 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient bobTab = Fixtures.connectAs(this.port, bob, "Bob", transport)) {
			BlockingQueue<Received> events = watcher.subscribe("/topic/rooms/" + room + "/presence");
			long before = System.currentTimeMillis();

			aliceTab1.subscribeAndJoin(room);
			JsonNode aliceJoined = Fixtures.next(events, "presence");
			assertThat(aliceJoined.propertyNames()).containsExactlyInAnyOrder("type", "roomId", "userId", "name", "ts",
					"count");
			assertThat(aliceJoined.path("type").asString()).isEqualTo("join");
			assertThat(aliceJoined.path("roomId").asString()).isEqualTo(room);
			assertThat(aliceJoined.path("userId").asString()).isEqualTo(alice);
			assertThat(aliceJoined.path("name").asString()).isEqualTo("Alice");
			assertThat(aliceJoined.path("ts").asLong()).isBetween(before, System.currentTimeMillis());
			assertThat(aliceJoined.path("count").asInt()).isEqualTo(1);

			aliceTab2.subscribe("/topic/rooms/" + room);
			JsonNode secondTab = aliceTab2.join(room);
			assertThat(secondTab.path("members"))
				.isEqualTo(Fixtures.json("[{\"userId\": \"" + alice + "\", \"name\": \"Alice\", \"sessions\": 2}]"));

			bobTab.subscribeAndJoin(room);
			JsonNode bobJoined = Fixtures.next(events, "presence");
			assertThat(bobJoined.path("type").asString()).as("no event for alice's second tab").isEqualTo("join");
			assertThat(bobJoined.path("userId").asString()).isEqualTo(bob);
			assertThat(bobJoined.path("count").asInt()).isEqualTo(2);
			Fixtures.assertNothingMore(events, "presence after bob joined");
		}
	}

	@OverBothTransports
	void leaveEventComesWhenTheLastSessionLeavesNotTheFirstOfTwo(Transport transport) {
		String room = Fixtures.room("pres");
		String alice = Fixtures.user("alice");
		String bob = Fixtures.user("bob");
		try (StompTestClient watcher = Fixtures.connectNewUser(this.port, "w", transport);
				StompTestClient aliceTab1 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient aliceTab2 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient bobTab = Fixtures.connectAs(this.port, bob, "Bob", transport)) {
			BlockingQueue<Received> events = watcher.subscribe("/topic/rooms/" + room + "/presence");
			aliceTab1.subscribeAndJoin(room);
			aliceTab2.subscribeAndJoin(room);
			bobTab.subscribeAndJoin(room);
			assertThat(Fixtures.next(events, "presence").path("userId").asString()).isEqualTo(alice);
			assertThat(Fixtures.next(events, "presence").path("userId").asString()).isEqualTo(bob);

			leave(aliceTab1, room);
			leave(bobTab, room);
			JsonNode bobLeft = Fixtures.next(events, "presence");
			assertThat(bobLeft.path("type").asString()).as("no event for alice's first tab").isEqualTo("leave");
			assertThat(bobLeft.path("userId").asString()).isEqualTo(bob);
			assertThat(bobLeft.path("name").asString()).isEqualTo("Bob");
			assertThat(bobLeft.path("count").asInt()).isEqualTo(1);

			leave(aliceTab2, room);
			JsonNode aliceLeft = Fixtures.next(events, "presence");
			assertThat(aliceLeft.path("type").asString()).isEqualTo("leave");
			assertThat(aliceLeft.path("userId").asString()).isEqualTo(alice);
			assertThat(aliceLeft.path("roomId").asString()).isEqualTo(room);
			assertThat(aliceLeft.path("count").asInt()).isEqualTo(0);
			Fixtures.assertNothingMore(events, "presence after everyone left");
		}
	}

	@OverBothTransports
	void leaveEventComesWhenTheLastSessionDisconnectsNotTheFirstOfTwo(Transport transport) {
		String room = Fixtures.room("pres");
		String alice = Fixtures.user("alice");
		String bob = Fixtures.user("bob");
		try (StompTestClient watcher = Fixtures.connectNewUser(this.port, "w", transport);
				StompTestClient bobTab = Fixtures.connectAs(this.port, bob, "Bob", transport);
				StompTestClient aliceTab1 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient aliceTab2 = Fixtures.connectAs(this.port, alice, "Alice", transport)) {
			BlockingQueue<Received> events = watcher.subscribe("/topic/rooms/" + room + "/presence");
			aliceTab1.subscribeAndJoin(room);
			aliceTab2.subscribeAndJoin(room);
			assertThat(Fixtures.next(events, "presence").path("type").asString()).isEqualTo("join");

			aliceTab1.close();
			awaitSessions(room, alice, 1);
			// bob's join is the marker: had alice's first tab closing sent a leave, it
			// came first.
			bobTab.subscribeAndJoin(room);
			JsonNode bobJoined = Fixtures.next(events, "presence");
			assertThat(bobJoined.path("userId").asString()).isEqualTo(bob);
			assertThat(bobJoined.path("type").asString()).isEqualTo("join");
			assertThat(bobJoined.path("count").asInt()).isEqualTo(2);

			aliceTab2.close();
			JsonNode aliceLeft = Fixtures.next(events, "presence");
			assertThat(aliceLeft.path("type").asString()).isEqualTo("leave");
			assertThat(aliceLeft.path("userId").asString()).isEqualTo(alice);
			assertThat(aliceLeft.path("name").asString()).isEqualTo("Alice");
			assertThat(aliceLeft.path("count").asInt()).isEqualTo(1);
			Fixtures.assertNothingMore(events, "presence after alice left");
		}
	}

	/** A client that vanishes without a DISCONNECT frame leaves all the same. */
	@Test
	void leaveEventComesWhenTheConnectionClosesWithoutDisconnect() {
		String room = Fixtures.room("pres");
		String dave = Fixtures.user("dave");
		try (StompTestClient watcher = Fixtures.connectNewUser(this.port, "w")) {
			BlockingQueue<Received> events = watcher.subscribe("/topic/rooms/" + room + "/presence");
			try (RawStompSocket socket = RawStompSocket.connected(this.port,
					TestTokens.builder(dave).name("Dave").sign())) {
				socket.send("SUBSCRIBE\nid:0\ndestination:/user/queue/acks\nreceipt:acks\n\n\u0000");
				assertThat(socket.nextCommandFrame()).startsWith("RECEIPT\n");
				socket.send("SEND\ndestination:/app/rooms/" + room + "/join\ncontent-type:application/json\n\n"
						+ "{\"requestId\": \"j\"}\u0000");
				assertThat(socket.nextCommandFrame()).startsWith("MESSAGE\n").contains("\"type\":\"join\"");
				JsonNode joined = Fixtures.next(events, "presence");
				assertThat(joined.path("type").asString()).isEqualTo("join");
				assertThat(joined.path("userId").asString()).isEqualTo(dave);
			}
			JsonNode left = Fixtures.next(events, "presence");
			assertThat(left.path("type").asString()).isEqualTo("leave");
			assertThat(left.path("userId").asString()).isEqualTo(dave);
			assertThat(left.path("name").asString()).isEqualTo("Dave");
			assertThat(left.path("count").asInt()).isEqualTo(0);
		}
	}

	/**
	 * Waits until the server counts the user's sessions in the room as given (0: absent).
	 */
	private void awaitSessions(String room, String userId, int sessions) {
		Awaitility.await().atMost(StompTestClient.TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
			JsonNode snapshot = ServerApi.on(this.port).presence(room);
			int counted = 0;
			for (JsonNode member : snapshot.path("members")) {
				if (userId.equals(member.path("userId").asString())) {
					counted = member.path("sessions").asInt();
				}
			}
			return counted == sessions;
		});
	}

	@OverBothTransports
	void presenceSnapshotSubscriptionAnswersOnceWithTheMembersAndNothingMore(Transport transport) {
		String room = Fixtures.room("snap");
		String alice = Fixtures.user("alice");
		String bob = Fixtures.user("bob");
		try (StompTestClient aliceTab1 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient aliceTab2 = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient bobTab = Fixtures.connectAs(this.port, bob, "Bob", transport);
				StompTestClient reader = Fixtures.connectNewUser(this.port, "r", transport)) {
			aliceTab1.subscribeAndJoin(room);
			aliceTab2.subscribeAndJoin(room);
			BlockingQueue<Received> events = reader.subscribe("/topic/rooms/" + room + "/presence");
			BlockingQueue<Received> snapshots = reader.subscribe("/app/rooms/" + room + "/presence");
			JsonNode snapshot = Fixtures.next(snapshots, "presence snapshot");
			assertThat(snapshot).isEqualTo(Fixtures.json("{\"roomId\": \"" + room + "\", \"members\": [{\"userId\": \""
					+ alice + "\", \"name\": \"Alice\", \"sessions\": 2}], \"memberCount\": 1}"));

			// A presence change after the snapshot reaches the topic, not the snapshot
			// subscription.
			bobTab.subscribeAndJoin(room);
			assertThat(Fixtures.next(events, "presence topic").path("userId").asString()).isEqualTo(bob);
			bobTab.send("/app/rooms/" + room + "/leave", Map.of("requestId", "bye"));
			assertThat(Fixtures.next(events, "presence topic").path("type").asString()).isEqualTo("leave");
			Fixtures.assertNothingMore(snapshots, "the snapshot subscription");
		}
	}

	@OverBothTransports
	void presenceSnapshotOfAnEmptyRoomHasNoMembers(Transport transport) {
		String room = Fixtures.room("snap");
		try (StompTestClient reader = Fixtures.connectNewUser(this.port, "r", transport)) {
			JsonNode snapshot = Fixtures.next(reader.subscribe("/app/rooms/" + room + "/presence"), "snapshot");
			assertThat(snapshot)
				.isEqualTo(Fixtures.json("{\"roomId\": \"" + room + "\", \"members\": [], \"memberCount\": 0}"));
		}
	}

	private static void leave(StompTestClient client, String room) {
		String requestId = "leave-" + room;
		client.send("/app/rooms/" + room + "/leave", Map.of("requestId", requestId));
		assertThat(client.awaitAck(requestId).path("ok").asBoolean()).isTrue();
	}

}
