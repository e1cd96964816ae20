package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.presence.RedisPresence;
import dev.stompbox.redis.RedisAvailability;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.RedisProxy;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;
import dev.stompbox.user.RedisUserEvents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leave, a disconnect, a user route's removal and an UNSUBSCRIBE that fail while Redis
 * is unreachable are not lost: once it answers again they hold. Redis keeps its data
 * through this blip (the network between the instance and Redis is cut, see
 * {@link RedisProxy}), so whatever was not retried stays behind for good.
 */
@ClusterTest(instances = 1, redisProxy = true, properties = { "stompbox.presence.timeout=60s",
		"stompbox.max-rooms=" + SessionEndRedisBlipIntegrationTests.MAX_ROOMS })
class SessionEndRedisBlipIntegrationTests {

	static final int MAX_ROOMS = 3;

	static RedisProxy proxy;

	static StompboxCluster cluster;

	static StatefulRedisConnection<String, String> redisConnection;

	@Test
	void changesThatFailDuringABlipHoldOnceRedisIsBack() {
		int port = cluster.port(0);
		StompTestClient alice = StompTestClient.connect(port, TestTokens.forUser("alice"));
		StompTestClient bob = StompTestClient.connect(port, TestTokens.forUser("bob"));
		try {
			alice.subscribeAndJoin("blip-a");
			bob.subscribeAndJoin("blip-b");
			assertThat(memberIds("blip-a")).containsExactly("alice");
			assertThat(memberIds("blip-b")).containsExactly("bob");
			RedisKeys keys = cluster.bean(0, RedisKeys.class);
			String bobsRoute = keys.userInstances("bob");
			assertThat(redisConnection.sync().smembers(bobsRoute)).containsExactly("node-0");

			proxy.cut();
			await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.bean(0, RedisAvailability.class).isAvailable());
			alice.send("/app/rooms/blip-a/leave", Map.of("requestId", "leave-a"));
			assertThat(alice.awaitAck("leave-a").path("ok").asBoolean()).as("a leave while Redis is away").isFalse();
			bob.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> cluster.bean(0, ConnectionRegistry.class).count() == 1);
			proxy.restore();

			String alicesRoom = keys.roomChannel(RoomId.of("blip-a"));
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				assertThat(memberIds("blip-a")).as("alice left while Redis was away").isEmpty();
				assertThat(memberIds("blip-b")).as("bob disconnected while Redis was away").isEmpty();
				assertThat(redisConnection.sync().smembers(bobsRoute)).as("bob's route").isEmpty();
				assertThat(redisConnection.sync()
					.pubsubNumsub(keys.roomChannel(RoomId.of("blip-b")), keys.presenceChannel(RoomId.of("blip-b")))
					.values()).as("channels of the room only bob listened to").allMatch((count) -> count == 0L);
				assertThat(cluster.bean(0, RedisPresence.class).pendingChanges()).isZero();
				// Checked with the rest: until the instance's pub/sub connection is back,
				// no channel has a listener, and the zeros above would hold trivially.
				assertThat(redisConnection.sync().pubsubNumsub(alicesRoom).get(alicesRoom))
					.as("alice still listens to her room")
					.isEqualTo(1L);
			});
			assertThat(cluster.bean(0, RedisUserEvents.class).localUsers()).isEqualTo(1);
		}
		finally {
			alice.close();
			bob.close();
		}
	}

	/**
	 * STOMPBOX_MAX_ROOMS: one join too many is refused, and nothing else is disturbed.
	 */
	@Test
	void aJoinBeyondTheRoomsLimitIsRefusedWithLimitExceeded() {
		StompTestClient carol = cluster.connect(0, "carol");
		try {
			for (int room = 0; room < MAX_ROOMS; room++) {
				assertThat(carol.join("limit-" + room).path("ok").asBoolean()).isTrue();
			}
			carol.send("/app/rooms/limit-" + MAX_ROOMS + "/join", Map.of("requestId", "one-too-many"));
			JsonNode refused = carol.awaitAck("one-too-many");
			assertThat(refused.path("ok").asBoolean()).as(refused.toString()).isFalse();
			assertThat(refused.path("error").asString()).isEqualTo("limit-exceeded");
			assertThat(memberIds("limit-" + MAX_ROOMS)).isEmpty();
			assertThat(carol.join("limit-0").path("ok").asBoolean()).as("a room already joined").isTrue();
			assertThat(memberIds("limit-0")).containsExactly("carol");

			carol.send("/app/rooms/limit-0/leave", Map.of("requestId", "leave-0"));
			assertThat(carol.awaitAck("leave-0").path("ok").asBoolean()).isTrue();
			assertThat(carol.join("limit-" + MAX_ROOMS).path("ok").asBoolean()).isTrue();
		}
		finally {
			carol.close();
		}
	}

	private static List<String> memberIds(String room) {
		Reply reply = cluster.api(0).publisherGet("/api/rooms/" + room + "/presence");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		List<String> ids = new ArrayList<>();
		for (JsonNode member : reply.json().path("members")) {
			ids.add(member.path("userId").asString());
		}
		return ids;
	}

}
