package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.connection.delivery.DestinationSubscriptions;
import dev.stompbox.presence.RedisPresence;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.relay.RoomInterest;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.ResettingSocket;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;
import dev.stompbox.user.RedisUserEvents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session's end is final: a client that sends CONNECT, SUBSCRIBE and dozens of joins in
 * one WebSocket message and resets the connection a few milliseconds later leaves nothing
 * behind, whichever of its frames were still queued or half done when the connection
 * went: no member entry, no interest in a room, no Redis subscription, no registry entry,
 * no user route. The presence timeout is long, so that reaping a lease cannot hide what
 * was left behind.
 */
@ClusterTest(properties = "stompbox.presence.timeout=60s")
class SessionEndIntegrationTests {

	private static final int ROUNDS = 40;

	private static final int ROOMS = 30;

	private static final List<String> ROOM_IDS = IntStream.range(0, ROOMS).mapToObj((room) -> "end-" + room).toList();

	static StompboxCluster cluster;

	static StatefulRedisConnection<String, String> redisConnection;

	@Test
	void joinsQueuedBehindAResetLeaveNoMemberInterestSubscriptionOrRoute() throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(cluster.size());
		try {
			for (int round = 0; round < ROUNDS; round++) {
				List<Future<?>> resets = new ArrayList<>();
				for (int node = 0; node < cluster.size(); node++) {
					int port = cluster.port(node);
					String user = "ghost-" + round + "-" + node;
					String topic = "/topic/rooms/end-" + (round % ROOMS);
					resets.add(clients.submit(() -> connectJoinAndReset(port, user, topic)));
				}
				for (Future<?> reset : resets) {
					reset.get();
				}
			}
		}
		finally {
			clients.shutdownNow();
		}

		await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (int room = 0; room < ROOMS; room++) {
				Reply reply = cluster.api(room % cluster.size()).publisherGet("/api/rooms/end-" + room + "/presence");
				assertThat(reply.status()).as(reply.body()).isEqualTo(200);
				JsonNode members = reply.json().path("members");
				assertThat(members.isArray()).as(reply.body()).isTrue();
				assertThat(members.size()).as("members of end-%d: %s", room, reply.body()).isZero();
			}
			RedisKeys keys = cluster.bean(0, RedisKeys.class);
			List<String> roomChannels = redisConnection.sync()
				.pubsubChannels()
				.stream()
				.filter((channel) -> channel.startsWith(keys.roomChannel(RoomId.of("end-")))
						|| channel.startsWith(keys.presenceChannelPrefix()))
				.toList();
			assertThat(roomChannels).as("room channels subscribed in Redis").isEmpty();
			String[] channels = new String[2 * ROOMS];
			for (int room = 0; room < ROOMS; room++) {
				channels[2 * room] = keys.roomChannel(RoomId.of("end-" + room));
				channels[2 * room + 1] = keys.presenceChannel(RoomId.of("end-" + room));
			}
			assertThat(redisConnection.sync().pubsubNumsub(channels).values()).allMatch((count) -> count == 0L);
			for (int node = 0; node < cluster.size(); node++) {
				assertNothingLeftOn(cluster.instance(node));
			}
		});
	}

	private static void assertNothingLeftOn(ConfigurableApplicationContext instance) {
		String name = instance.getEnvironment().getProperty("stompbox.instance-id");
		assertThat(instance.getBean(ConnectionRegistry.class).count()).as("open sessions on %s", name).isZero();
		assertThat(instance.getBean(RedisPresence.class).localSessions()).as("joined sessions on %s", name).isZero();
		assertThat(instance.getBean(RoomInterest.class).sessions()).as("sessions interested on %s", name).isZero();
		assertThat(instance.getBean(RoomInterest.class).attachedRooms()).as("rooms attached on %s", name).isZero();
		assertThat(instance.getBean(DestinationSubscriptions.class).sessions()).as("broker subscriptions on %s", name)
			.isZero();
		assertThat(instance.getBean(RedisUserEvents.class).localUsers()).as("user routes on %s", name).isZero();
	}

	/**
	 * CONNECT, SUBSCRIBE and a join of every room in one message, then a reset 0-50 ms
	 * later.
	 */
	private static void connectJoinAndReset(int port, String user, String topic) {
		ResettingSocket.open(port)
			.sendAndReset(ResettingSocket.connectSubscribeAndJoin(TestTokens.forUser(user), topic, ROOM_IDS), 50);
	}

}
