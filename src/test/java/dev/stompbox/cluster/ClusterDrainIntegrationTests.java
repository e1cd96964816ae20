package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static dev.stompbox.cluster.Rooms.presenceTopic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deploy in cluster mode: an instance drains, its clients reconnect to another one, and
 * those who come back within seconds are never seen to leave; those who do not, leave
 * once.
 */
@ClusterTest(properties = "stompbox.presence.timeout=3s")
class ClusterDrainIntegrationTests {

	static StompboxCluster cluster;

	@Test
	void usersWhoReconnectElsewhereAfterADrainProduceNoLeaveAndJoinFlicker() throws Exception {
		String room = "deploy";
		StompTestClient observer = cluster.connect(0, "olga");
		StompTestClient alice = cluster.connect(1, "alice");
		StompTestClient carol = cluster.connect(1, "carol");
		List<StompTestClient> open = new ArrayList<>(List.of(observer, alice, carol));
		try {
			BlockingQueue<Received> events = observer.subscribe(presenceTopic(room));
			Rooms.join(observer, room, Map.of("requestId", "o"));
			alice.subscribeAndJoin(room);
			carol.subscribeAndJoin(room);
			List<JsonNode> joins = Rooms.take(events, 3, StompTestClient.TIMEOUT);
			assertThat(joins).extracting((event) -> event.path("type").asString()).containsOnly("join");

			// The deploy: instance 1 drains; alice reconnects to instance 0 at once,
			// carol never.
			java.util.concurrent.CompletableFuture<Void> draining = java.util.concurrent.CompletableFuture
				.runAsync(() -> cluster.instance(1).close());
			StompTestClient aliceAgain = cluster.connect(0, "alice");
			open.add(aliceAgain);
			aliceAgain.subscribeAndJoin(room);
			draining.get(8, TimeUnit.SECONDS);

			// Carol's lease-bound entry expires a few seconds later: exactly one leave,
			// hers.
			JsonNode leave = StompTestClient.awaitOn(events, (event) -> true, "presence events");
			assertThat(leave.path("type").asString()).isEqualTo("leave");
			assertThat(leave.path("userId").asString()).isEqualTo("carol");
			assertThat(StompTestClient.poll(events, Duration.ofSeconds(4))).as("no other presence event").isNull();
			JsonNode members = Rooms.join(observer, room, Map.of("requestId", "o2")).path("members");
			assertThat(Rooms.sessions(members)).isEqualTo(Map.of("olga", 1, "alice", 1));
		}
		finally {
			open.forEach(StompTestClient::close);
		}
	}

}
