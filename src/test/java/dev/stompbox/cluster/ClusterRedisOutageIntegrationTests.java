package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Queueing;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static dev.stompbox.cluster.Rooms.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stopping under a running cluster and coming back empty, as a restarted
 * Memorystore would: clients keep their connections, are told {@code unavailable}
 * meanwhile, and the instances find their way back by themselves.
 */
// A short presence timeout: leases are renewed every second, so the cluster settles
// soon after Redis comes back.
@ClusterTest(instances = 3, ownRedis = true,
		properties = { "stompbox.rate-limit=1000", "stompbox.presence.timeout=3s" })
class ClusterRedisOutageIntegrationTests {

	static RedisTestServer redis;

	static StompboxCluster cluster;

	/** Whether a test stopped Redis and has not started it again yet. */
	private boolean redisDown;

	@AfterEach
	void startRedisWhenATestLeftItStopped() {
		if (this.redisDown) {
			startRedis();
		}
	}

	private void stopRedis() {
		this.redisDown = true;
		redis.interrupt();
	}

	private void startRedis() {
		redis.recover();
		this.redisDown = false;
	}

	@BeforeEach
	void clusterIsReady() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (int i = 0; i < cluster.size(); i++) {
				assertThat(cluster.api(i).get("/actuator/health/readiness", null).status()).isEqualTo(200);
			}
		});
	}

	@Test
	void aRedisRestartMidStreamIsAnsweredUnavailableAndEveryInstanceResubscribesByItself() throws Exception {
		String room = "stream";
		List<StompTestClient> clients = new ArrayList<>();
		ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
		try {
			List<BlockingQueue<Received>> subscribers = Rooms.joinOnEveryInstance(cluster, room, "s-", clients);
			StompTestClient sender = clients.getFirst();
			BlockingQueue<Received> acks = sender.queue("/user/queue/acks");
			BlockingQueue<Received> errors = sender.queue("/user/queue/errors");

			// A steady stream from instance 0, every 20 ms, through the whole outage.
			Map<String, Long> sentAt = new ConcurrentHashMap<>();
			AtomicInteger counter = new AtomicInteger();
			stream.scheduleAtFixedRate(() -> {
				int n = counter.getAndIncrement();
				sentAt.put("s-" + n, System.nanoTime());
				sender.send(Rooms.messages(room), Map.of("requestId", "s-" + n, "body", Map.of("n", n)));
			}, 0, 20, TimeUnit.MILLISECONDS);
			Map<String, Ack> answered = new ConcurrentHashMap<>();
			Thread collector = Thread.ofPlatform().daemon().start(() -> collect(acks, sentAt, answered));
			List<Arrival> atInstance1 = new CopyOnWriteArrayList<>();
			List<Arrival> atInstance2 = new CopyOnWriteArrayList<>();
			Thread reader1 = Thread.ofPlatform().daemon().start(() -> record(subscribers.get(1), atInstance1));
			Thread reader2 = Thread.ofPlatform().daemon().start(() -> record(subscribers.get(2), atInstance2));
			await().atMost(Duration.ofSeconds(10)).until(() -> count(answered, (ack) -> ack.ok()) >= 20);

			long interrupted = System.nanoTime();
			stopRedis();

			// Readiness goes down on every instance within 5 s; liveness stays up.
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				for (int i = 0; i < cluster.size(); i++) {
					assertThat(cluster.api(i).get("/actuator/health/readiness", null).status()).isEqualTo(503);
				}
			});
			System.out.println("Readiness was DOWN on every instance " + millis(System.nanoTime() - interrupted)
					+ " ms after Redis stopped");
			for (int i = 0; i < cluster.size(); i++) {
				assertThat(cluster.api(i).get("/actuator/health/liveness", null).status()).isEqualTo(200);
			}
			// Sends during the outage are refused, each within 2 s.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> count(answered, (ack) -> ack.sent() > interrupted && !ack.ok()) >= 20);
			List<Ack> refused = answered.values().stream().filter((ack) -> !ack.ok()).toList();
			assertThat(refused).allSatisfy((ack) -> {
				assertThat(ack.error()).isEqualTo("unavailable");
				assertThat(Duration.ofNanos(ack.answered() - ack.sent())).isLessThan(Duration.ofSeconds(2));
			});
			JsonNode error = StompTestClient.awaitOn(errors, (e) -> true, "errors");
			assertThat(error.path("error").asString()).isEqualTo("unavailable");
			assertThat(error.path("requestId").asString()).startsWith("s-");
			for (StompTestClient client : clients) {
				assertThat(client.isConnected()).isTrue();
				assertThat(client.lost()).isNotDone();
			}

			long recovered = System.nanoTime();
			startRedis();
			CompletableFuture<Integer> ingressReaders = CompletableFuture
				.supplyAsync(() -> maxIngressReaders(Duration.ofSeconds(2)));
			// Every instance subscribes again by itself: the stream reaches every
			// instance.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> atInstance1.stream().anyMatch((arrival) -> arrival.at() > recovered)
						&& atInstance2.stream().anyMatch((arrival) -> arrival.at() > recovered));
			long resubscribed1 = atInstance1.stream().filter((a) -> a.at() > recovered).findFirst().orElseThrow().at();
			long resubscribed2 = atInstance2.stream().filter((a) -> a.at() > recovered).findFirst().orElseThrow().at();
			System.out.println("Resubscribe time after the Redis restart: a message sent from instance 0 reached"
					+ " instance 1 " + millis(resubscribed1 - recovered) + " ms and instance 2 "
					+ millis(resubscribed2 - recovered) + " ms after recover()");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				for (int i = 0; i < cluster.size(); i++) {
					assertThat(cluster.api(i).get("/actuator/health/readiness", null).status()).isEqualTo(200);
				}
			});
			System.out.println("Readiness was UP on every instance " + millis(System.nanoTime() - recovered)
					+ " ms after recover()");

			stream.shutdown();
			assertThat(stream.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
			int sent = counter.get();
			await().atMost(Duration.ofSeconds(10)).until(() -> answered.size() == sent);
			// The collector reads the sender's ACKs, so this one is waited for in what it
			// collected.
			sentAt.put("after", System.nanoTime());
			sender.send(Rooms.messages(room), Map.of("requestId", "after", "body", Map.of("text", "after")));
			await().atMost(Duration.ofSeconds(5)).until(() -> answered.containsKey("after"));
			assertThat(answered.get("after").ok()).isTrue();
			String after = answered.get("after").id();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> arrived(atInstance1).contains(after) && arrived(atInstance2).contains(after));
			collector.interrupt();
			reader1.interrupt();
			reader2.interrupt();

			// Nothing acknowledged before Redis came back was lost, nothing came twice or
			// out of
			// order. (A send racing the stop may still have been run, and ACKed, by
			// Redis.)
			List<String> ackedBefore = answered.values()
				.stream()
				.filter((ack) -> ack.ok() && ack.sent() < recovered)
				.map(Ack::id)
				.toList();
			for (List<Arrival> arrivals : List.of(atInstance1, atInstance2)) {
				List<String> ids = arrived(arrivals);
				assertThat(ids).containsAll(ackedBefore).doesNotHaveDuplicates();
				Rooms.assertStrictlyIncreasing(ids);
			}
			// What was ACKed after recover() but before another instance had subscribed
			// again reaches it too: on resubscribing it catches up from the room's
			// stream.
			List<String> ackedAfter = answered.values()
				.stream()
				.filter((ack) -> ack.ok() && ack.sent() > recovered)
				.map(Ack::id)
				.toList();
			long lostOn1 = ackedAfter.stream().filter((id) -> !arrived(atInstance1).contains(id)).count();
			long lostOn2 = ackedAfter.stream().filter((id) -> !arrived(atInstance2).contains(id)).count();
			System.out.println("Instances reading the ingress channel in the 2 s after recover(): at most "
					+ ingressReaders.get(5, TimeUnit.SECONDS));
			System.out.println("Messages ACKed ok: " + ackedBefore.size() + " before recover(), " + ackedAfter.size()
					+ " after it; refused: " + refused.size() + "; ACKed after recover() but never delivered: on"
					+ " instance 1 " + lostOn1 + ", on instance 2 " + lostOn2);
			assertThat(lostOn1 + lostOn2).isZero();
			// Counted, not asserted: every instance reads the ingress channel (claims in
			// Redis decide which one delivers), so this is the number of instances
			// subscribed again.
		}
		finally {
			stream.shutdownNow();
			clients.forEach(StompTestClient::close);
		}
	}

	@Test
	void aSinceFromBeforeARedisRestartIsNeverAnsweredAsEverythingRecovered() {
		String room = "epoch";
		try (StompTestClient sender = cluster.connect(0, "ed"); StompTestClient reader = cluster.connect(1, "rae")) {
			sender.subscribeAndJoin(room);
			String seen = Rooms.send(sender, room, "before", Map.of("text", "before the restart"));
			reader.subscribe(topic(room));
			JsonNode beforeRestart = Rooms.join(reader, room, Map.of("requestId", "before", "since", seen));
			assertThat(beforeRestart.path("recoveredAll").asBoolean()).isTrue();
			assertThat(beforeRestart.path("recovered")).isEmpty();

			stopRedis();
			startRedis();
			clusterIsReady();

			// The room is unknown to the new Redis: the client saw messages that are
			// gone.
			reader.ensureUserQueues();
			JsonNode empty = await().atMost(Duration.ofSeconds(10)).until(() -> {
				reader.send("/app/rooms/" + room + "/join", Map.of("requestId", "empty", "since", seen));
				return reader.awaitAck("empty");
			}, (ack) -> ack.path("ok").asBoolean());
			assertThat(empty.path("recoveredAll").asBoolean()).isFalse();
			assertThat(empty.path("lastId").isNull()).isTrue();

			// A new incarnation of the room has its own epoch, after the id the client
			// saw.
			String fresh = await().atMost(Duration.ofSeconds(10)).until(() -> {
				Reply reply = cluster.api(2)
					.publisherPost("/api/rooms/" + room + "/messages", "{\"body\":{\"text\":\"after the restart\"}}");
				return (reply.status() == 202) ? reply.json().path("id").asString() : null;
			}, (id) -> id != null);
			JsonNode restarted = Rooms.join(reader, room, Map.of("requestId", "restarted", "since", seen));
			assertThat(restarted.path("recoveredAll").asBoolean()).isFalse();
			assertThat(Rooms.ids(list(restarted.path("recovered")))).containsExactly(fresh);
			Reply page = cluster.api(1).publisherGet("/api/rooms/" + room + "/messages?since=" + seen);
			assertThat(page.json().path("complete").asBoolean()).isFalse();
		}
	}

	@Test
	void aRoomFirstSubscribedDuringAnOutageWorksOnceRedisIsBack() {
		String room = "subscribed-in-the-dark";
		try (StompTestClient early = cluster.connect(1, "early");
				StompTestClient sender = cluster.connect(0, "sender")) {
			early.ensureUserQueues();
			BlockingQueue<Received> messages = early.queue(topic(room));
			stopRedis();
			// The instance cannot subscribe to the room in Redis: the client is told so
			// instead of a RECEIPT.
			StompHeaders subscribe = new StompHeaders();
			subscribe.setDestination(topic(room));
			subscribe.setReceipt("in-the-dark");
			early.session().subscribe(subscribe, new Queueing(messages));
			JsonNode refused = early.awaitError();
			assertThat(refused.path("error").asString()).isEqualTo("unavailable");
			assertThat(refused.path("destination").asString()).isEqualTo(topic(room));
			startRedis();
			clusterIsReady();

			// Once Redis is back, joining the room makes the instance subscribe to it.
			JsonNode joined = await().atMost(Duration.ofSeconds(10)).until(() -> {
				early.send("/app/rooms/" + room + "/join", Map.of("requestId", "rejoin"));
				return early.awaitAck("rejoin");
			}, (ack) -> ack.path("ok").asBoolean());
			assertThat(joined.path("recoveredAll").asBoolean()).isTrue();
			try (StompTestClient late = cluster.connect(1, "late")) {
				BlockingQueue<Received> lateMessages = late.subscribeAndJoin(room);
				Rooms.join(sender, room, Map.of("requestId", "sender"));
				String id = Rooms.send(sender, room, "m", Map.of("text", "after the outage"));
				assertThat(Rooms.next(lateMessages).path("id").asString()).isEqualTo(id);
				assertThat(Rooms.next(messages).path("id").asString()).isEqualTo(id);
			}
		}
	}

	@Test
	void aRedisThatHangsIsAnsweredUnavailableWithinTwoSeconds() throws Exception {
		String room = "hang";
		try (StompTestClient sender = cluster.connect(0, "hank"); StompTestClient reader = cluster.connect(1, "rhea")) {
			sender.subscribeAndJoin(room);
			BlockingQueue<Received> messages = reader.subscribeAndJoin(room);
			Duration answeredIn;
			RedisClient client = RedisClient.create(redis.url());
			try (StatefulRedisConnection<String, String> connection = client.connect();
					StatefulRedisConnection<String, String> probe = client.connect()) {
				// A script that keeps Redis busy for 3 s: the connections stay open,
				// nothing answers.
				RedisFuture<String> busy = connection.async()
					.eval("local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
							+ "repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - start > 3000000 "
							+ "return 'done'", ScriptOutputType.VALUE);
				probe.setTimeout(Duration.ofMillis(100));
				await().atMost(Duration.ofSeconds(2)).until(() -> hangs(probe));
				long sent = System.nanoTime();
				sender.send(Rooms.messages(room), Map.of("requestId", "hung", "body", Map.of("text", "hung")));
				JsonNode ack = sender.awaitAck("hung");
				answeredIn = Duration.ofNanos(System.nanoTime() - sent);
				System.out
					.println("ACK of a send while Redis hangs: " + ack + " after " + answeredIn.toMillis() + " ms");
				assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("done");
				assertThat(ack.path("ok").asBoolean()).isFalse();
				assertThat(ack.path("error").asString()).isEqualTo("unavailable");
			}
			finally {
				client.shutdown();
			}
			// Redis runs the refused send once it wakes up: a client that retries without
			// a clientMsgId sends it twice. Reported, not asserted.
			String id = Rooms.send(sender, room, "after", Map.of("text", "after"));
			List<JsonNode> seen = new ArrayList<>();
			JsonNode next;
			do {
				next = Rooms.next(messages);
				seen.add(next);
			}
			while (!next.path("id").asString().equals(id));
			boolean deliveredAfterAll = seen.stream()
				.anyMatch((envelope) -> "hung".equals(envelope.path("body").path("text").asString()));
			System.out
				.println("A send answered unavailable while Redis hung was delivered after all: " + deliveredAfterAll);
			assertThat(answeredIn).isLessThan(Duration.ofSeconds(2));
		}
	}

	private static long count(Map<String, Ack> answered, Predicate<Ack> matching) {
		return answered.values().stream().filter(matching).count();
	}

	/**
	 * The most instances subscribed to the ingress channel at once, sampled for a while.
	 */
	private static int maxIngressReaders(Duration sampling) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			long most = 0;
			long end = System.nanoTime() + sampling.toNanos();
			while (System.nanoTime() < end) {
				most = Math.max(most, connection.sync().pubsubNumsub("stompbox:out").get("stompbox:out"));
				Thread.onSpinWait();
			}
			return (int) most;
		}
		finally {
			client.shutdown();
		}
	}

	private static boolean hangs(StatefulRedisConnection<String, String> probe) {
		try {
			probe.sync().ping();
			return false;
		}
		catch (RedisCommandTimeoutException ex) {
			return true;
		}
	}

	private static void collect(BlockingQueue<Received> acks, Map<String, Long> sentAt, Map<String, Ack> answered) {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				Received received = acks.take();
				long at = System.nanoTime();
				JsonNode ack = received.json();
				String requestId = ack.path("requestId").asString();
				answered.put(requestId, new Ack(requestId, ack.path("ok").asBoolean(), ack.path("id").asString(),
						ack.path("error").asString(), sentAt.getOrDefault(requestId, 0L), at));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void record(BlockingQueue<Received> queue, List<Arrival> arrivals) {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				Received received = queue.take();
				arrivals.add(new Arrival(received.json().path("id").asString(), System.nanoTime()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static List<String> arrived(List<Arrival> arrivals) {
		return arrivals.stream().map(Arrival::id).toList();
	}

	private static List<JsonNode> list(JsonNode array) {
		List<JsonNode> list = new ArrayList<>();
		array.forEach(list::add);
		return list;
	}

	private static long millis(long nanos) {
		return nanos / 1_000_000;
	}

	private record Ack(String requestId, boolean ok, String id, String error, long sent, long answered) {
	}

	private record Arrival(String id, long at) {
	}

}
