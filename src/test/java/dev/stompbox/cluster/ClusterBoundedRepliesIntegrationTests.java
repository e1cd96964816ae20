package dev.stompbox.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.history.HistorySlice;
import dev.stompbox.history.RedisRoomHistory;
import dev.stompbox.history.RoomHistory;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.BoundedReplies;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md 1.1's bounded replies over Redis: presence pages read from the room's
 * ordered set of users, recovery cut to the recovery limit and 512 KiB by the read
 * script, each read on one instance what others wrote. Two instances with a presence list
 * limit of 3 and a recovery limit of 5, and on the same Redis one instance that keeps no
 * history.
 */
@ClusterTest(properties = { "stompbox.presence.list-limit=" + ClusterBoundedRepliesIntegrationTests.LIST_LIMIT,
		"stompbox.recovery-limit=" + ClusterBoundedRepliesIntegrationTests.RECOVERY_LIMIT })
class ClusterBoundedRepliesIntegrationTests {

	static final int LIST_LIMIT = 3;

	static final int RECOVERY_LIMIT = 5;

	static StompboxCluster cluster;

	static StompboxCluster keepingNothing;

	@BeforeAll
	static void startInstanceKeepingNothing() {
		keepingNothing = cluster.another(Map.of("stompbox.history.size", 0));
		keepingNothing.startInstance("node-keeps-nothing");
	}

	@AfterAll
	static void stopInstanceKeepingNothing() {
		if (keepingNothing != null) {
			keepingNothing.close();
		}
	}

	@Test
	void aJoinIntoARoomOfMoreMembersThanTheListLimitListsTheLimitWithTheJoinerAndCountsEveryone() {
		BoundedReplies.membersOfARoomBiggerThanTheListLimit(LIST_LIMIT, cluster.port(0), cluster.port(1));
	}

	@Test
	void recoveryIsLimitedByCountAndTheRestIsPagedWithHistoryRequests() {
		BoundedReplies.recoveryLimitedByCount(RECOVERY_LIMIT, cluster.port(0), cluster.port(1));
	}

	@Test
	void recoveryIsLimitedTo512KibibytesAndTheRestIsPagedWithHistoryRequests() {
		BoundedReplies.recoveryLimitedByBytes(cluster.port(1), cluster.port(0));
	}

	@Test
	void aGapIsNeverRecoveredAllWhenNothingIsKept() {
		BoundedReplies.nothingKeptIsNeverRecoveredAll(keepingNothing.port(0), keepingNothing.port(0));
	}

	/**
	 * A history read is decoded on the executor the history is given: not on the one
	 * thread that hands on every Redis answer, which every other client's ACK waits on.
	 * The instance's own executor is its history threads.
	 */
	@Test
	void historyIsDecodedOffTheThreadThatHandsOnRedisAnswers() throws Exception {
		String room = BoundedReplies.room("threads");
		BoundedReplies.publish(cluster.port(0), room, 3, 100);
		Set<String> decodedOn = ConcurrentHashMap.newKeySet();
		JsonMapper recording = new JsonMapper() {

			@Override
			public <T> T readValue(String content, Class<T> valueType) {
				decodedOn.add(Thread.currentThread().getName());
				return super.readValue(content, valueType);
			}

		};
		ExecutorService decoding = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("decoding").factory());
		try {
			RoomHistory history = new RedisRoomHistory(cluster.bean(0, RedisScripts.class),
					cluster.bean(0, RedisKeys.class), recording, decoding);
			HistorySlice slice = history.after(RoomId.of(room), MessageId.ZERO, RECOVERY_LIMIT, 512 * 1024)
				.toCompletableFuture()
				.get(10, TimeUnit.SECONDS);
			assertThat(slice.messages()).hasSize(3);
			assertThat(decodedOn).containsExactly("decoding");
		}
		finally {
			decoding.shutdown();
		}
		String thread = cluster.bean(0, RoomHistory.class)
			.after(RoomId.of(room), MessageId.ZERO, RECOVERY_LIMIT, 512 * 1024)
			.thenApply((slice) -> Thread.currentThread().getName())
			.toCompletableFuture()
			.get(10, TimeUnit.SECONDS);
		assertThat(thread).as("the instance's history threads, or this one had the answer come first")
			.matches("stompbox-history-\\d+|main");
	}

	/**
	 * Members written by a version that kept no ordered set of users are paged all the
	 * same.
	 */
	@Test
	void membersOfARoomWrittenWithoutTheOrderedSetAreStillPaged() throws Exception {
		String room = BoundedReplies.room("older");
		String prefix = cluster.bean(0, RedisKeys.class).presenceRoomPrefix() + "{" + room + "}:";
		RedisAsyncCommands<String, String> commands = cluster.bean(0, RedisConnections.class).commands();
		commands.hset(prefix + "users", Map.of("b", "1", "a", "2", "c", "1", "d", "1")).get();
		commands.hset(prefix + "names", Map.of("a", "Ann", "b", "Bo", "c", "Cy", "d", "Di")).get();
		assertThat(BoundedReplies.pageThroughPresence(cluster.port(1), room, 3, 4)).containsExactly("a", "b", "c", "d");
		assertThat(commands.zcard(prefix + "order").get()).isEqualTo(4);
	}

}
