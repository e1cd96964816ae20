package dev.stompbox.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.stompbox.api.RedisIngress;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PROTOCOL.md section 7.2: what a backend publishes to {@code stompbox:out} is delivered
 * exactly once while at least one instance runs, through a rolling restart where each
 * instance stops after the next one started, when the same JSON is published twice, and
 * after Redis restarted empty. What the instances deliver is watched in Redis itself: the
 * room's channel, and the events channel of an observer that the user's events are routed
 * to.
 */
// A cluster and a Redis for each test, which starts the instances it needs: one test
// restarts Redis, and every test needs its instances to find the ingress order afresh.
@ClusterTest(instances = 0, perTest = true, ownRedis = true, properties = "stompbox.presence.timeout=3s")
class ClusterIngressIntegrationTests {

	private static final Pattern ITEM = Pattern.compile("\"n\":(\\d+),\"k\":\"(\\w+)\"");

	private static final String ROOM = "rolling";

	private static final String USER = "ivy";

	RedisTestServer redis;

	StompboxCluster cluster;

	RedisClient client;

	StatefulRedisConnection<String, String> connection;

	private StatefulRedisPubSubConnection<String, byte[]> observer;

	private final Map<String, Integer> expected = new ConcurrentHashMap<>();

	private final Map<String, Integer> delivered = new ConcurrentHashMap<>();

	/**
	 * What arrived, in the order it arrived: "room:n" or "user:n" for the message
	 * numbered n.
	 */
	private final List<String> arrivals = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopObserving() {
		if (this.observer != null) {
			this.observer.close();
		}
	}

	@Test
	void everyMessageIsDeliveredOnceWhileInstancesStopAndStartOneAfterAnother() throws Exception {
		RedisCommands<String, String> backend = this.connection.sync();
		startInstance("node-a");
		observe(this.cluster.bean(0, RedisKeys.class), backend);

		AtomicBoolean publishing = new AtomicBoolean(true);
		Thread publisher = Thread.ofPlatform().start(() -> publish(backend, publishing));
		try {
			startInstance("node-b");
			pause(Duration.ofMillis(300));
			this.cluster.instance(0).close();
			startInstance("node-c");
			pause(Duration.ofMillis(300));
			this.cluster.instance(1).close();
			pause(Duration.ofMillis(300));
		}
		finally {
			publishing.set(false);
			publisher.join();
		}
		awaitDeliveries();
		assertThat(this.expected).hasSizeGreaterThan(100);
		assertThat(this.delivered).isEqualTo(this.expected);
	}

	@Test
	void messagesPublishedBackToBackArriveInPublishOrderOnce() throws Exception {
		RedisCommands<String, String> backend = this.connection.sync();
		startInstance("node-x");
		startInstance("node-y");
		startInstance("node-z");
		awaitPreferredClaimer();
		observe(this.cluster.bean(0, RedisKeys.class), backend);
		int count = 300;
		for (int n = 0; n < count; n++) {
			publishTimes(backend, 1, "room:" + n + ":one",
					"{\"roomId\":\"" + ROOM + "\",\"type\":\"m\",\"body\":{\"n\":" + n + ",\"k\":\"one\"}}");
			publishTimes(backend, 1, "user:" + n + ":one",
					"{\"userId\":\"" + USER + "\",\"type\":\"e\",\"body\":{\"n\":" + n + ",\"k\":\"one\"}}");
		}
		awaitDeliveries();
		assertThat(this.delivered).isEqualTo(this.expected);
		List<String> inOrder = IntStream.range(0, count).mapToObj((n) -> "room:" + n).toList();
		assertThat(this.arrivals.stream().filter((arrival) -> arrival.startsWith("room:")).toList()).isEqualTo(inOrder);
		assertThat(this.arrivals.stream().filter((arrival) -> arrival.startsWith("user:")).toList())
			.isEqualTo(inOrder.stream().map((arrival) -> arrival.replace("room:", "user:")).toList());
	}

	@Test
	void publishOrderIsKeptWhileThePreferredInstanceStopsAndAnotherTakesOver() throws Exception {
		RedisCommands<String, String> backend = this.connection.sync();
		startInstance("node-f");
		awaitPreferredClaimer();
		startInstance("node-g");
		startInstance("node-h");
		observe(this.cluster.bean(0, RedisKeys.class), backend);
		AtomicBoolean publishing = new AtomicBoolean(true);
		AtomicInteger published = new AtomicInteger();
		Thread publisher = Thread.ofPlatform().start(() -> {
			for (int n = 0; publishing.get(); n = published.incrementAndGet()) {
				publishTimes(backend, 1, "room:" + n + ":one",
						"{\"roomId\":\"" + ROOM + "\",\"type\":\"m\",\"body\":{\"n\":" + n + ",\"k\":\"one\"}}");
				pause(Duration.ofMillis(2));
			}
		});
		try {
			pause(Duration.ofMillis(300));
			// node-f took the preference first; it hands it over as it stops.
			assertThat(this.cluster.bean(0, RedisIngress.class).isPreferred()).isTrue();
			this.cluster.instance(0).close();
			awaitPreferredClaimer();
			pause(Duration.ofMillis(300));
		}
		finally {
			publishing.set(false);
			publisher.join();
		}
		awaitDeliveries();
		assertThat(this.delivered).isEqualTo(this.expected);
		assertThat(this.arrivals)
			.isEqualTo(IntStream.range(0, this.expected.size()).mapToObj((n) -> "room:" + n).toList());
	}

	@Test
	void afterRedisRestartedEmptyTheInstancesPlaceThemselvesAgain() throws Exception {
		startInstance("node-p");
		startInstance("node-q");
		RedisKeys keys = this.cluster.bean(0, RedisKeys.class);
		this.connection.close();
		this.redis.interrupt();
		this.redis.recover();
		this.connection = this.client.connect();
		RedisCommands<String, String> backend = this.connection.sync();
		// Both lost their subscriptions and place themselves again at once, with no
		// instance placed to answer their markers: one starts a new epoch (one never used
		// before the restart) and the other takes its place from it.
		await().atMost(Duration.ofSeconds(15))
			.until(() -> backend.exists(keys.ingressEpoch()) == 1
					&& this.cluster.bean(0, RedisIngress.class).isAligned()
					&& this.cluster.bean(1, RedisIngress.class).isAligned());
		assertThat(Long.parseLong(backend.get(keys.ingressEpoch()))).isGreaterThan(1);
		observe(keys, backend);
		AtomicBoolean publishing = new AtomicBoolean(true);
		Thread publisher = Thread.ofPlatform().start(() -> publish(backend, publishing));
		pause(Duration.ofMillis(500));
		publishing.set(false);
		publisher.join();
		awaitDeliveries();
		assertThat(this.delivered).isEqualTo(this.expected);
	}

	/**
	 * Until everything published arrived, at most 10 s; then a moment for what a second
	 * delivery would add.
	 */
	private void awaitDeliveries() {
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(this.delivered.keySet()).containsAll(this.expected.keySet()));
		pause(Duration.ofMillis(500));
	}

	private void startInstance(String id) {
		var context = this.cluster.startInstance(id);
		RedisIngress ingress = context.getBean(RedisIngress.class);
		await().atMost(Duration.ofSeconds(10)).until(ingress::isAligned);
	}

	/** Until one of the running instances claims every message as soon as it arrives. */
	private void awaitPreferredClaimer() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> IntStream.range(0, this.cluster.size())
				.mapToObj(this.cluster::instance)
				.anyMatch((instance) -> instance.isActive() && instance.getBean(RedisIngress.class).isPreferred()));
	}

	/**
	 * Watches the room's channel, and routes the user's events to an observer's channel
	 * as if the user had a session on an instance called {@code observer}.
	 */
	private void observe(RedisKeys keys, RedisCommands<String, String> backend) {
		String roomChannel = keys.roomChannel(RoomId.of(ROOM));
		String userChannel = keys.instanceChannel(new InstanceId("observer"));
		this.observer = this.client.connectPubSub(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
		this.observer.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, byte[] message) {
				Matcher item = ITEM.matcher(new String(message, StandardCharsets.UTF_8));
				if (item.find()) {
					String kind = channel.equals(roomChannel) ? "room" : "user";
					ClusterIngressIntegrationTests.this.arrivals.add(kind + ":" + item.group(1));
					ClusterIngressIntegrationTests.this.delivered
						.merge(kind + ":" + item.group(1) + ":" + item.group(2), 1, Integer::sum);
				}
			}

		});
		this.observer.sync().subscribe(roomChannel, userChannel);
		backend.sadd(keys.userInstances(USER), "observer");
	}

	/**
	 * Room messages and user events, and every fifth of each a second JSON published
	 * twice back to back, neither with a {@code clientMsgId}.
	 */
	private void publish(RedisCommands<String, String> backend, AtomicBoolean publishing) {
		for (int n = 0; publishing.get(); n++) {
			publishTimes(backend, 1, "room:" + n + ":one",
					"{\"roomId\":\"" + ROOM + "\",\"type\":\"m\",\"body\":{\"n\":" + n + ",\"k\":\"one\"}}");
			publishTimes(backend, 1, "user:" + n + ":one",
					"{\"userId\":\"" + USER + "\",\"type\":\"e\",\"body\":{\"n\":" + n + ",\"k\":\"one\"}}");
			if (n % 5 == 0) {
				publishTimes(backend, 2, "room:" + n + ":twin",
						"{\"roomId\":\"" + ROOM + "\",\"type\":\"m\",\"body\":{\"n\":" + n + ",\"k\":\"twin\"}}");
				publishTimes(backend, 2, "user:" + n + ":twin",
						"{\"userId\":\"" + USER + "\",\"type\":\"e\",\"body\":{\"n\":" + n + ",\"k\":\"twin\"}}");
			}
			pause(Duration.ofMillis(10));
		}
	}

	private void publishTimes(RedisCommands<String, String> backend, int times, String key, String json) {
		for (int i = 0; i < times; i++) {
			backend.publish("stompbox:out", json);
		}
		this.expected.put(key, times);
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
