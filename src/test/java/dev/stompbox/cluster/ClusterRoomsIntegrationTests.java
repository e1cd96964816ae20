package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static dev.stompbox.cluster.Rooms.ids;
import static dev.stompbox.cluster.Rooms.next;
import static dev.stompbox.cluster.Rooms.take;
import static dev.stompbox.cluster.Rooms.topic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Room flows with the clients spread over three instances: order under concurrent
 * senders, the join ACK against the first-message race, dedupe and recovery across
 * instances.
 */
// The senders below send in bursts far over the default rate limit.
@ClusterTest(instances = 3, properties = { "stompbox.history.size=" + ClusterRoomsIntegrationTests.HISTORY_SIZE,
		"stompbox.rate-limit=1000" })
class ClusterRoomsIntegrationTests {

	/** Small, so that a room overflows its history with a few messages. */
	static final int HISTORY_SIZE = 10;

	static StompboxCluster cluster;

	@Test
	void concurrentSendersOnEveryInstanceReachEverySubscriberOnceInOneIdOrder() throws Exception {
		String room = "concurrent";
		int perSender = 100;
		List<StompTestClient> clients = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			List<StompTestClient> senders = new ArrayList<>();
			List<BlockingQueue<Received>> subscribers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				StompTestClient sender = cluster.connect(i, "sender-" + i);
				StompTestClient reader = cluster.connect(i, "reader-" + i);
				clients.add(sender);
				clients.add(reader);
				senders.add(sender);
				subscribers.add(sender.subscribeAndJoin(room));
				subscribers.add(reader.subscribeAndJoin(room));
			}
			CountDownLatch go = new CountDownLatch(1);
			List<Future<?>> sending = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				StompTestClient sender = senders.get(i);
				int senderIndex = i;
				sending.add(pool.submit(() -> {
					go.await();
					for (int n = 0; n < perSender; n++) {
						sender.send(Rooms.messages(room), Map.of("requestId", "s" + senderIndex + "-" + n, "body",
								Map.of("sender", senderIndex, "n", n)));
					}
					return null;
				}));
			}
			go.countDown();
			for (Future<?> done : sending) {
				done.get(30, TimeUnit.SECONDS);
			}
			Set<String> acked = new HashSet<>();
			for (StompTestClient sender : senders) {
				for (JsonNode ack : take(sender.queue("/user/queue/acks"), perSender, Duration.ofSeconds(30))) {
					assertThat(ack.path("ok").asBoolean()).as("ACK %s", ack).isTrue();
					acked.add(ack.path("id").asString());
				}
			}
			assertThat(acked).hasSize(3 * perSender);
			List<String> order = null;
			for (BlockingQueue<Received> subscriber : subscribers) {
				List<JsonNode> received = take(subscriber, 3 * perSender, Duration.ofSeconds(30));
				List<String> ids = ids(received);
				Rooms.assertStrictlyIncreasing(ids);
				assertThat(new HashSet<>(ids)).isEqualTo(acked);
				if (order == null) {
					order = ids;
				}
				assertThat(ids).as("order on every subscriber").isEqualTo(order);
				for (int i = 0; i < 3; i++) {
					int senderIndex = i;
					assertThat(received.stream()
						.filter((envelope) -> envelope.path("body").path("sender").asInt() == senderIndex)
						.map((envelope) -> envelope.path("body").path("n").asInt())
						.sorted()
						.toList()).hasSize(perSender).doesNotHaveDuplicates();
				}
			}
			// Nothing was delivered twice: the next message everyone sees is this one.
			String last = Rooms.send(senders.getFirst(), room, "last", Map.of("text", "last"));
			for (BlockingQueue<Received> subscriber : subscribers) {
				assertThat(next(subscriber).path("id").asString()).isEqualTo(last);
			}
		}
		finally {
			pool.shutdownNow();
			clients.forEach(StompTestClient::close);
		}
	}

	@Test
	void aMessageSentFromAnotherInstanceRightAfterTheJoinAckAlwaysArrives() {
		try (StompTestClient listener = cluster.connect(1, "lena");
				StompTestClient sender = cluster.connect(2, "sid")) {
			listener.ensureUserQueues();
			for (int i = 0; i < 50; i++) {
				String room = "race-" + i;
				Rooms.join(sender, room, Map.of("requestId", "sender-join-" + i));
				// Half of the time the join follows the SUBSCRIBE without waiting for
				// its RECEIPT, as browser clients do: the join ACK alone must then
				// close the race.
				BlockingQueue<Received> messages = (i % 2 == 0) ? listener.subscribe(topic(room))
						: listener.subscribeNoWait(topic(room), false);
				Rooms.join(listener, room, Map.of("requestId", "join-" + i));
				sender.send(Rooms.messages(room), Map.of("requestId", "first-" + i, "body", Map.of("n", i)));
				// The sender's ACK first: a SEND refused (say, unavailable on a loaded
				// machine) is then told apart from a message published and lost.
				JsonNode sent = sender.awaitAck("first-" + i);
				assertThat(sent.path("ok").asBoolean()).as("ACK of the message to %s: %s", room, sent).isTrue();
				JsonNode first = next(messages);
				assertThat(first.path("body").path("n").asInt()).as("first message of %s", room).isEqualTo(i);
				assertThat(sent.path("id").asString()).isEqualTo(first.path("id").asString());
			}
		}
	}

	@Test
	void aRetryWithTheSameClientMsgIdThroughAnotherInstanceIsDeliveredOnceAndAckedWithTheFirstId() {
		String room = "dedupe";
		try (StompTestClient tab0 = cluster.connect(0, "dee");
				StompTestClient tab1 = cluster.connect(1, "dee");
				StompTestClient someoneElse = cluster.connect(1, "dan");
				StompTestClient watcher = cluster.connect(2, "walt")) {
			BlockingQueue<Received> watched = watcher.subscribeAndJoin(room);
			Rooms.join(tab0, room, Map.of("requestId", "j0"));
			Rooms.join(tab1, room, Map.of("requestId", "j1"));
			Rooms.join(someoneElse, room, Map.of("requestId", "j2"));
			Map<String, Object> message = Map.of("clientMsgId", "c-42", "body", Map.of("text", "once"));
			tab0.send(Rooms.messages(room), with(message, "requestId", "first"));
			JsonNode first = tab0.awaitAck("first");
			tab1.send(Rooms.messages(room), with(message, "requestId", "retry"));
			JsonNode retry = tab1.awaitAck("retry");
			assertThat(first.path("ok").asBoolean()).isTrue();
			assertThat(retry.path("ok").asBoolean()).isTrue();
			assertThat(retry.path("id").asString()).isEqualTo(first.path("id").asString());
			// The same clientMsgId from another user is another message.
			someoneElse.send(Rooms.messages(room), with(message, "requestId", "other-user"));
			String other = someoneElse.awaitAck("other-user").path("id").asString();
			assertThat(other).isNotEqualTo(first.path("id").asString());
			JsonNode delivered = next(watched);
			assertThat(delivered.path("id").asString()).isEqualTo(first.path("id").asString());
			assertThat(delivered.path("clientMsgId").asString()).isEqualTo("c-42");
			assertThat(next(watched).path("id").asString()).as("the retry was not delivered again").isEqualTo(other);
		}
	}

	@Test
	void aClientThatReconnectsToAnotherInstanceRecoversExactlyWhatItMissed() {
		String room = "recovery";
		try (StompTestClient sender = cluster.connect(1, "sue")) {
			Rooms.join(sender, room, Map.of("requestId", "sender-join"));
			String m1;
			try (StompTestClient before = cluster.connect(0, "rita")) {
				BlockingQueue<Received> messages = before.subscribeAndJoin(room);
				m1 = Rooms.send(sender, room, "m1", Map.of("text", "m1"));
				assertThat(next(messages).path("id").asString()).isEqualTo(m1);
			}
			String m2 = Rooms.send(sender, room, "m2", Map.of("text", "m2"));
			String m3 = Rooms.send(sender, room, "m3", Map.of("text", "m3"));
			try (StompTestClient after = cluster.connect(2, "rita")) {
				after.subscribe(topic(room));
				JsonNode ack = Rooms.join(after, room, Map.of("requestId", "rejoin", "since", m1));
				assertThat(ids(list(ack.path("recovered")))).containsExactly(m2, m3);
				assertThat(list(ack.path("recovered")).stream().map((m) -> m.path("body").path("text").asString()))
					.containsExactly("m2", "m3");
				assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
				assertThat(ack.path("lastId").asString()).isEqualTo(m3);
			}
		}
	}

	@Test
	void aGapLongerThanTheKeptHistoryIsRecoveredButNotAll() {
		String room = "overflow";
		List<String> ids = new ArrayList<>();
		for (int n = 0; n < HISTORY_SIZE + 5; n++) {
			Reply reply = cluster.api(0)
				.publisherPost("/api/rooms/" + room + "/messages", "{\"type\":\"message\",\"body\":{\"n\":" + n + "}}");
			assertThat(reply.status()).as(reply.body()).isEqualTo(202);
			ids.add(reply.json().path("id").asString());
		}
		// Kept: the last HISTORY_SIZE, ids[5] on; a client that saw ids[4] missed nothing
		// lost.
		List<String> kept = ids.subList(5, ids.size());
		try (StompTestClient client = cluster.connect(1, "otto")) {
			client.subscribe(topic(room));
			JsonNode tooOld = Rooms.join(client, room, Map.of("requestId", "too-old", "since", ids.get(3)));
			assertThat(tooOld.path("recoveredAll").asBoolean()).isFalse();
			assertThat(ids(list(tooOld.path("recovered")))).isEqualTo(kept);
			JsonNode justKept = Rooms.join(client, room, Map.of("requestId", "just-kept", "since", ids.get(4)));
			assertThat(justKept.path("recoveredAll").asBoolean()).isTrue();
			assertThat(ids(list(justKept.path("recovered")))).isEqualTo(kept);
		}
		Reply incomplete = cluster.api(2).publisherGet("/api/rooms/" + room + "/messages?since=" + ids.get(3));
		assertThat(incomplete.json().path("complete").asBoolean()).isFalse();
		Reply complete = cluster.api(2).publisherGet("/api/rooms/" + room + "/messages?since=" + ids.get(4));
		assertThat(complete.json().path("complete").asBoolean()).isTrue();
		assertThat(ids(list(complete.json().path("messages")))).isEqualTo(kept);
	}

	@Test
	void ephemeralMessagesReachEveryInstanceButAreNeitherKeptNorRecovered() {
		String room = "whiteboard";
		try (StompTestClient drawer = cluster.connect(0, "dina"); StompTestClient viewer = cluster.connect(2, "vic")) {
			drawer.subscribeAndJoin(room);
			BlockingQueue<Received> seen = viewer.subscribeAndJoin(room);
			String kept = Rooms.send(drawer, room, "kept", Map.of("text", "kept"));
			drawer.send(Rooms.messages(room),
					Map.of("requestId", "stroke", "type", "stroke", "ephemeral", true, "body", Map.of("x", 1)));
			String stroke = drawer.awaitAck("stroke").path("id").asString();
			assertThat(ids(take(seen, 2, StompTestClient.TIMEOUT))).containsExactly(kept, stroke);
			JsonNode rejoin = Rooms.join(viewer, room, Map.of("requestId", "rejoin", "since", "0-0"));
			assertThat(ids(list(rejoin.path("recovered")))).containsExactly(kept);
			JsonNode history = cluster.api(1).publisherGet("/api/rooms/" + room + "/messages").json();
			assertThat(ids(list(history.path("messages")))).containsExactly(kept);
		}
	}

	private static List<JsonNode> list(JsonNode array) {
		List<JsonNode> list = new ArrayList<>();
		array.forEach(list::add);
		return list;
	}

	private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
		Map<String, Object> copy = new java.util.HashMap<>(map);
		copy.put(key, value);
		return copy;
	}

}
