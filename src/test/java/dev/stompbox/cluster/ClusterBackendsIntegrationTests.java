package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.api.RedisIngress;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static dev.stompbox.cluster.Rooms.next;
import static dev.stompbox.cluster.Rooms.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What backends do with a cluster: the HTTP server API of any instance, user events, the
 * Redis ingress channel and the command stream; and what one message and one join cost in
 * Redis commands.
 */
// A long presence timeout keeps lease renewals, Redis traffic of their own, out of the
// command counts below; the rate limit is raised for the 100 messages sent at once.
// Redis of its own: it resets and counts every command Redis ran.
@ClusterTest(instances = 3, ownRedis = true,
		properties = { "stompbox.presence.timeout=10m", "stompbox.rate-limit=1000" })
class ClusterBackendsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static StompboxCluster cluster;

	static StatefulRedisConnection<String, String> backendConnection;

	static RedisCommands<String, String> backendRedis;

	@BeforeAll
	static void connectBackend() {
		backendRedis = backendConnection.sync();
	}

	@Test
	void theServerApiOfAnyInstancePublishesToSubscribersEverywhereAndReadsTheSharedState() {
		String room = "api";
		try (StompTestClient amy = cluster.connect(0, "amy"); StompTestClient ben = cluster.connect(1, "ben")) {
			BlockingQueue<Received> atAmy = amy.subscribeAndJoin(room);
			BlockingQueue<Received> atBen = ben.subscribeAndJoin(room);
			Reply published = cluster.api(2)
				.publisherPost("/api/rooms/" + room + "/messages",
						"{\"type\":\"notice\",\"body\":{\"text\":\"from the backend\"}}");
			assertThat(published.status()).as(published.body()).isEqualTo(202);
			String id = published.json().path("id").asString();
			for (BlockingQueue<Received> queue : List.of(atAmy, atBen)) {
				JsonNode envelope = next(queue);
				assertThat(envelope.path("id").asString()).isEqualTo(id);
				assertThat(envelope.path("type").asString()).isEqualTo("notice");
				assertThat(envelope.path("from").path("userId").asString()).isEqualTo("server");
				assertThat(envelope.path("body").path("text").asString()).isEqualTo("from the backend");
			}
			Reply history = cluster.api(1).publisherGet("/api/rooms/" + room + "/messages");
			assertThat(history.status()).isEqualTo(200);
			assertThat(history.json().path("complete").asBoolean()).isTrue();
			assertThat(history.json().path("messages").get(0).path("id").asString()).isEqualTo(id);
			Reply presence = cluster.api(0).publisherGet("/api/rooms/" + room + "/presence");
			assertThat(Rooms.sessions(presence.json().path("members"))).isEqualTo(Map.of("amy", 1, "ben", 1));
		}
	}

	@Test
	void userEventsReachEveryTabOfTheUserOnEveryInstanceAndNoOneElse() {
		try (StompTestClient tab0 = cluster.connect(0, "uma");
				StompTestClient tab1 = cluster.connect(1, "uma");
				StompTestClient victor = cluster.connect(2, "victor")) {
			List<StompTestClient> tabs = List.of(tab0, tab1);
			tabs.forEach(StompTestClient::ensureUserQueues);
			victor.ensureUserQueues();
			// Routed to the instances that hold uma's sessions, not broadcast to every
			// instance.
			String umasInstances = cluster.bean(0, RedisKeys.class).userInstances("uma");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> backendRedis.smembers(umasInstances),
						(instances) -> instances.equals(Set.of(instance(0), instance(1))));
			assertThat(cluster.api(2)
				.publisherPost("/api/users/uma/events", "{\"type\":\"notice\",\"body\":{\"text\":\"hello uma\"}}")
				.status()).isEqualTo(202);
			for (StompTestClient tab : tabs) {
				JsonNode event = next(tab.queue("/user/queue/events"));
				assertThat(event.path("type").asString()).isEqualTo("notice");
				assertThat(event.path("body").path("text").asString()).isEqualTo("hello uma");
				assertThat(event.path("ts").asLong()).isPositive();
			}
			// Markers: whatever was delivered before them would be seen first.
			cluster.api(0).publisherPost("/api/users/victor/events", "{\"type\":\"marker\"}");
			assertThat(next(victor.queue("/user/queue/events")).path("type").asString()).isEqualTo("marker");
			cluster.api(1).publisherPost("/api/users/uma/events", "{\"type\":\"marker\"}");
			for (StompTestClient tab : tabs) {
				assertThat(next(tab.queue("/user/queue/events")).path("type").asString()).isEqualTo("marker");
			}
		}
	}

	@Test
	void anInstanceListensToARoomInRedisOnlyWhileItHasSubscribersToIt() {
		String room = "interest";
		String channel = cluster.bean(0, RedisKeys.class).roomChannel(RoomId.of(room));
		try (StompTestClient first = cluster.connect(0, "fay");
				StompTestClient second = cluster.connect(0, "gus");
				StompTestClient third = cluster.connect(1, "hal")) {
			assertThat(subscribers(channel)).isZero();
			first.subscribeAndJoin(room);
			second.subscribeAndJoin(room);
			third.subscribeAndJoin(room);
			// One subscription per instance, however many local subscribers it has.
			assertThat(subscribers(channel)).isEqualTo(2);
			third.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> subscribers(channel) == 1);
			first.close();
			// Once the disconnect was handled (fay left), gus still keeps instance 0
			// listening.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !cluster.api(0).publisherGet("/api/rooms/" + room + "/presence").body().contains("fay"));
			assertThat(subscribers(channel)).isEqualTo(1);
			second.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> subscribers(channel) == 0);
		}
	}

	@Test
	void messagesOnTheIngressChannelAreDeliveredExactlyOnceWhateverTheNumberOfInstances() {
		// Every instance reads the ingress channel (PROTOCOL.md 1.1); claims in Redis
		// make one
		// of them deliver each message.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> java.util.stream.IntStream.range(0, cluster.size())
				.allMatch((i) -> cluster.bean(i, RedisIngress.class).isAligned()));
		assertThat(backendRedis.pubsubNumsub("stompbox:out").get("stompbox:out")).isEqualTo(cluster.size());
		String room = "ingress";
		List<StompTestClient> clients = new ArrayList<>();
		try {
			List<BlockingQueue<Received>> subscribers = Rooms.joinOnEveryInstance(cluster, room, "in-", clients);
			assertThat(backendRedis.publish("stompbox:out",
					"{\"roomId\":\"ingress\",\"type\":\"message\",\"body\":{\"text\":\"from redis\"}}"))
				.isEqualTo(cluster.size());
			backendRedis.publish("stompbox:out", "{\"roomId\":\"ingress\",\"type\":\"marker\",\"body\":null}");
			for (BlockingQueue<Received> subscriber : subscribers) {
				JsonNode envelope = next(subscriber);
				assertThat(envelope.path("body").path("text").asString()).isEqualTo("from redis");
				assertThat(envelope.path("from").path("userId").asString()).isEqualTo("server");
				assertThat(next(subscriber).path("type").asString()).as("delivered once").isEqualTo("marker");
			}

			StompTestClient ivy1 = cluster.connect(1, "ivy");
			StompTestClient ivy2 = cluster.connect(2, "ivy");
			clients.add(ivy1);
			clients.add(ivy2);
			ivy1.ensureUserQueues();
			ivy2.ensureUserQueues();
			backendRedis.publish("stompbox:out", "{\"userId\":\"ivy\",\"type\":\"notice\",\"body\":{\"n\":1}}");
			backendRedis.publish("stompbox:out", "{\"userId\":\"ivy\",\"type\":\"marker\"}");
			for (StompTestClient tab : List.of(ivy1, ivy2)) {
				JsonNode event = next(tab.queue("/user/queue/events"));
				assertThat(event.path("type").asString()).isEqualTo("notice");
				assertThat(event.path("body").path("n").asInt()).isEqualTo(1);
				assertThat(next(tab.queue("/user/queue/events")).path("type").asString()).isEqualTo("marker");
			}
		}
		finally {
			clients.forEach(StompTestClient::close);
		}
	}

	@Test
	void clientCommandsAreAppendedToTheCommandStreamForBackends() {
		try (StompTestClient carl = cluster.connect(1, "carl")) {
			carl.ensureUserQueues();
			String body = "{\"requestId\":\"r3\",\"messageId\":\"1732262400123-0\"}";
			long before = System.currentTimeMillis();
			carl.send("/app/rooms/lobby/commands/markRead", body);
			JsonNode ack = carl.awaitAck("r3");
			long after = System.currentTimeMillis();
			assertThat(ack.path("ok").asBoolean()).as("ACK %s", ack).isTrue();
			assertThat(ack.path("type").asString()).isEqualTo("command");
			List<StreamMessage<String, String>> commands = backendRedis.xrange("stompbox:in", Range.create("-", "+"));
			assertThat(commands).hasSize(1);
			Map<String, String> fields = commands.getFirst().getBody();
			assertThat(fields).containsOnlyKeys("name", "roomId", "userId", "body", "ts")
				.containsEntry("name", "markRead")
				.containsEntry("roomId", "lobby")
				.containsEntry("userId", "carl");
			assertThat(JSON.readTree(fields.get("body"))).isEqualTo(JSON.readTree(body));
			assertThat(Long.parseLong(fields.get("ts"))).isBetween(before - 1000, after + 1000);
		}
	}

	@Test
	void redisCommandsPerPublishedMessageAndPerJoin() {
		String room = "cost";
		int messages = 100;
		int joins = 20;
		List<StompTestClient> clients = new ArrayList<>();
		try {
			List<BlockingQueue<Received>> subscribers = Rooms.joinOnEveryInstance(cluster, room, "cost-", clients);
			StompTestClient sender = clients.getFirst();

			awaitNoScriptsRunning();
			backendRedis.configResetstat();
			for (int n = 0; n < messages; n++) {
				sender.send(Rooms.messages(room), Map.of("requestId", "p" + n, "body", Map.of("n", n)));
			}
			take(sender.queue("/user/queue/acks"), messages, Duration.ofSeconds(30));
			for (BlockingQueue<Received> subscriber : subscribers) {
				take(subscriber, messages, Duration.ofSeconds(30));
			}
			Map<String, Long> perPublish = commandStats();

			backendRedis.configResetstat();
			for (int n = 0; n < messages; n++) {
				sender.send(Rooms.messages(room),
						Map.of("requestId", "d" + n, "clientMsgId", "c-" + n, "body", Map.of("n", n)));
			}
			take(sender.queue("/user/queue/acks"), messages, Duration.ofSeconds(30));
			for (BlockingQueue<Received> subscriber : subscribers) {
				take(subscriber, messages, Duration.ofSeconds(30));
			}
			Map<String, Long> perDedupedPublish = commandStats();

			StompTestClient joiner = cluster.connect(1, "jill");
			clients.add(joiner);
			joiner.ensureUserQueues();
			backendRedis.configResetstat();
			for (int n = 0; n < joins; n++) {
				joiner.subscribeAndJoin("cost-join-" + n);
			}
			Map<String, Long> perJoin = commandStats();

			report("published message (no clientMsgId; 3 instances subscribed)", perPublish, messages);
			report("published message with clientMsgId", perDedupedPublish, messages);
			report("SUBSCRIBE + join of a room new to the instance", perJoin, joins);
			// One script run per message, whatever the number of subscribers and
			// instances.
			assertThat(perPublish.getOrDefault("evalsha", 0L) + perPublish.getOrDefault("eval", 0L))
				.isEqualTo(messages);
			assertThat(perPublish.get("publish")).isEqualTo(messages);
		}
		finally {
			clients.forEach(StompTestClient::close);
		}
	}

	/**
	 * Waits until no script has run for longer than the ingress's claim grace: instances
	 * that do not hold the ingress preference claim another test's ingress messages 1.5 s
	 * after they arrived, and those scripts must not be counted here.
	 */
	private static void awaitNoScriptsRunning() {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			backendRedis.configResetstat();
			try {
				Thread.sleep(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (commandStats().getOrDefault("evalsha", 0L) + commandStats().getOrDefault("eval", 0L) == 0) {
				return;
			}
		}
	}

	private static long subscribers(String channel) {
		return backendRedis.pubsubNumsub(channel).get(channel);
	}

	private static String instance(int index) {
		return cluster.bean(index, InstanceId.class).value();
	}

	/**
	 * Calls per command since the last {@code CONFIG RESETSTAT}, commands run inside
	 * scripts included; without the test's own and the instances' once-a-second PING.
	 */
	private static Map<String, Long> commandStats() {
		Map<String, Long> calls = new TreeMap<>();
		for (String line : backendRedis.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
				calls.put(command, Long.parseLong(count));
			}
		}
		calls.keySet().removeAll(List.of("ping", "info", "config|resetstat", "config", "hello", "client|setinfo"));
		return calls;
	}

	private static void report(String what, Map<String, Long> calls, int operations) {
		long total = calls.values().stream().mapToLong(Long::longValue).sum();
		long roundTrips = calls.entrySet()
			.stream()
			.filter((entry) -> List.of("evalsha", "eval", "subscribe", "unsubscribe").contains(entry.getKey()))
			.mapToLong(Map.Entry::getValue)
			.sum();
		StringBuilder breakdown = new StringBuilder();
		calls.forEach((command, count) -> breakdown.append(' ')
			.append(command)
			.append('=')
			.append(String.format("%.2f", (double) count / operations)));
		System.out.printf(
				"Redis commands per %s: %.2f sent by the instance (EVALSHA/EVAL/SUBSCRIBE), "
						+ "%.2f executed in all (scripts' own calls included); per command:%s%n",
				what, (double) roundTrips / operations, (double) total / operations, breakdown);
	}

}
