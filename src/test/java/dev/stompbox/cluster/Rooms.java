package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

import dev.stompbox.room.MessageId;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cluster tests do with rooms, again and again. */
final class Rooms {

	private Rooms() {
	}

	static String topic(String room) {
		return "/topic/rooms/" + room;
	}

	static String presenceTopic(String room) {
		return "/topic/rooms/" + room + "/presence";
	}

	static String messages(String room) {
		return "/app/rooms/" + room + "/messages";
	}

	/**
	 * Connects one user to each instance of the cluster, {@code userPrefix-0} onwards,
	 * each subscribed to the room and in it; adds the clients to {@code clients} (for the
	 * caller to close) and returns their room subscriptions in the same order.
	 */
	static List<BlockingQueue<Received>> joinOnEveryInstance(StompboxCluster cluster, String room, String userPrefix,
			List<StompTestClient> clients) {
		List<BlockingQueue<Received>> subscribers = new ArrayList<>();
		for (int i = 0; i < cluster.size(); i++) {
			StompTestClient client = cluster.connect(i, userPrefix + i);
			clients.add(client);
			subscribers.add(client.subscribeAndJoin(room));
		}
		return subscribers;
	}

	/** Sends a message to a room the client joined and returns the id its ACK carries. */
	static String send(StompTestClient client, String room, String requestId, Map<String, ?> body) {
		client.send(messages(room), Map.of("requestId", requestId, "body", body));
		JsonNode ack = client.awaitAck(requestId);
		assertThat(ack.path("ok").asBoolean()).as("ACK of %s: %s", requestId, ack).isTrue();
		return ack.path("id").asString();
	}

	/** Joins (the client's user queues first) and checks the join succeeded. */
	static JsonNode join(StompTestClient client, String room, Map<String, ?> body) {
		JsonNode ack = client.join(room, body);
		assertThat(ack.path("ok").asBoolean()).as("join ACK %s", ack).isTrue();
		return ack;
	}

	/**
	 * The next {@code count} messages of a queue, waiting at most {@code timeout} for all
	 * of them; fails with what did arrive when they do not.
	 */
	static List<JsonNode> take(BlockingQueue<Received> queue, int count, Duration timeout) {
		List<JsonNode> taken = new ArrayList<>(count);
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (taken.size() < count) {
				Received received = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (received == null) {
					throw new AssertionError("Only " + taken.size() + " of " + count + " messages arrived within "
							+ timeout + "; the last: " + ((taken.isEmpty()) ? "none" : taken.getLast()));
				}
				taken.add(received.json());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		return taken;
	}

	/** The next message of a queue, waiting at most {@link StompTestClient#TIMEOUT}. */
	static JsonNode next(BlockingQueue<Received> queue) {
		return take(queue, 1, StompTestClient.TIMEOUT).getFirst();
	}

	static List<String> ids(List<JsonNode> envelopes) {
		return envelopes.stream().map((envelope) -> envelope.path("id").asString()).toList();
	}

	static void assertStrictlyIncreasing(List<String> ids) {
		for (int i = 1; i < ids.size(); i++) {
			assertThat(MessageId.parse(ids.get(i)).isAfter(MessageId.parse(ids.get(i - 1))))
				.as("id %s at %d comes after %s", ids.get(i), i, ids.get(i - 1))
				.isTrue();
		}
	}

	/** userId to sessions of a member list. */
	static Map<String, Integer> sessions(JsonNode members) {
		Map<String, Integer> sessions = new java.util.TreeMap<>();
		for (JsonNode member : members) {
			sessions.put(member.path("userId").asString(), member.path("sessions").asInt());
		}
		return sessions;
	}

}
