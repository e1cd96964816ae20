package dev.stompbox.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static dev.stompbox.cluster.Rooms.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A cluster on a Redis that requires a password, as Memorystore with AUTH does. */
@ClusterTest(redisPassword = "s3cret")
class ClusterRedisPasswordIntegrationTests {

	static RedisTestServer redis;

	static StompboxCluster cluster;

	@Test
	void theRedisRefusesClientsWithoutThePassword() {
		RedisClient client = RedisClient.create("redis://" + redis.host() + ":" + redis.port());
		try {
			assertThatExceptionOfType(RedisConnectionException.class).isThrownBy(() -> client.connect().sync().ping())
				.havingRootCause()
				.withMessageContaining("NOAUTH");
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void messagesAndPresenceCrossInstancesThroughARedisWithAPassword() {
		String room = "guarded";
		try (StompTestClient a = cluster.connect(0, "ada"); StompTestClient b = cluster.connect(1, "bo")) {
			BlockingQueue<Received> atA = a.subscribeAndJoin(room);
			BlockingQueue<Received> atB = b.subscribeAndJoin(room);
			String id = Rooms.send(b, room, "s1", Map.of("text", "behind a password"));
			for (BlockingQueue<Received> queue : List.of(atA, atB)) {
				JsonNode envelope = next(queue);
				assertThat(envelope.path("id").asString()).isEqualTo(id);
				assertThat(envelope.path("from").path("userId").asString()).isEqualTo("bo");
			}
			JsonNode again = Rooms.join(a, room, Map.of("requestId", "again"));
			assertThat(Rooms.sessions(again.path("members"))).isEqualTo(Map.of("ada", 1, "bo", 1));
		}
	}

}
