package dev.stompbox.cluster;

import java.util.Map;

import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.support.BoundedReplies;
import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md 1.1's bounded replies over Redis: presence pages read from the room's ordered
 * set of users, each read on one instance what others wrote. Two instances with a presence
 * list limit of 3.
 */
class ClusterBoundedRepliesIntegrationTests {

	static final int LIST_LIMIT = 3;

	static RedisTestServer redis;

	static StompboxCluster cluster;

	@BeforeAll
	static void startCluster() {
		redis = RedisTestServer.start();
		cluster = StompboxCluster.start(redis, 2, Map.of("stompbox.presence.list-limit", LIST_LIMIT));
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void aJoinIntoARoomOfMoreMembersThanTheListLimitListsTheLimitWithTheJoinerAndCountsEveryone() {
		BoundedReplies.membersOfARoomBiggerThanTheListLimit(LIST_LIMIT, cluster.port(0), cluster.port(1));
	}

	/** Members written by a version that kept no ordered set of users are paged all the same. */
	@Test
	void membersOfARoomWrittenWithoutTheOrderedSetAreStillPaged() throws Exception {
		String room = BoundedReplies.room("older");
		String prefix = cluster.bean(0, RedisKeys.class).presenceRoomPrefix() + "{" + room + "}:";
		RedisAsyncCommands<String, String> commands = cluster.bean(0, RedisConnections.class).commands();
		commands.hset(prefix + "users", Map.of("b", "1", "a", "2", "c", "1", "d", "1")).get();
		commands.hset(prefix + "names", Map.of("a", "Ann", "b", "Bo", "c", "Cy", "d", "Di")).get();
		assertThat(BoundedReplies.pageThroughPresence(cluster.port(1), room, 3, 4)).containsExactly("a", "b", "c",
				"d");
		assertThat(commands.zcard(prefix + "order").get()).isEqualTo(4);
	}

}
