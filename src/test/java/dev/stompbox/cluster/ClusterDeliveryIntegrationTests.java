package dev.stompbox.cluster;

import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

@ClusterTest(instances = 3)
class ClusterDeliveryIntegrationTests {

	static StompboxCluster cluster;

	@Test
	void messageSentOnOneInstanceReachesSubscribersOnTheOthers() {
		try (StompTestClient a = cluster.connect(0, "alice");
				StompTestClient b = cluster.connect(1, "bob");
				StompTestClient c = cluster.connect(2, "carol")) {
			BlockingQueue<Received> atA = a.subscribeAndJoin("lobby");
			BlockingQueue<Received> atB = b.subscribeAndJoin("lobby");
			BlockingQueue<Received> atC = c.subscribeAndJoin("lobby");
			a.send("/app/rooms/lobby/messages", Map.of("requestId", "s1", "body", Map.of("text", "hi")));
			JsonNode ack = a.awaitAck("s1");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			for (BlockingQueue<Received> queue : java.util.List.of(atA, atB, atC)) {
				JsonNode message = StompTestClient.awaitOn(queue, (m) -> true, "room");
				assertThat(message.path("id").asString()).isEqualTo(ack.path("id").asString());
				assertThat(message.path("from").path("userId").asString()).isEqualTo("alice");
			}
		}
	}

}
