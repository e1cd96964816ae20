package dev.stompbox.metrics;

import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters of cluster mode: Redis reconnects, publishes timed through Redis, lag of
 * delivery from Redis.
 */
@ClusterTest(instances = 1)
class ClusterMetricsIntegrationTests {

	static StompboxCluster cluster;

	@Test
	void redisReconnectsAreCountedFromZero() {
		PrometheusScrape scrape = PrometheusScrape.of(cluster.port(0));
		assertThat(scrape.value("stompbox_redis_reconnects_total", "stompbox_instance", "node-0")).isZero();
	}

	/** A storm of joins would otherwise pay for an observation of every Redis command. */
	@Test
	void redisCommandsAreNotObservedOneByOne() {
		assertThat(cluster.bean(0, LettuceConnectionFactory.class).getClientResources().tracing().isEnabled())
			.isFalse();
	}

	@Test
	void publishesThroughRedisAreTimedAndTheirDeliveryLagMeasured() {
		PrometheusScrape before = PrometheusScrape.of(cluster.port(0));
		try (StompTestClient client = cluster.connect(0, "clio")) {
			BlockingQueue<Received> messages = client.subscribeAndJoin("cluster-metrics");
			client.send("/app/rooms/cluster-metrics/messages",
					Map.of("requestId", "c1", "clientMsgId", "once", "body", Map.of("text", "hi", "ts", 1)));
			client.awaitAck("c1");
			client.send("/app/rooms/cluster-metrics/messages",
					Map.of("requestId", "c2", "clientMsgId", "once", "body", Map.of("text", "hi", "ts", 1)));
			client.awaitAck("c2");
			StompTestClient.awaitOn(messages, (message) -> true, "room");

			PrometheusScrape after = PrometheusScrape.of(cluster.port(0));
			assertThat(after.since(before, "stompbox_relay_publish_seconds_count", "mode", "redis", "outcome", "ok"))
				.isEqualTo(1);
			assertThat(after.since(before, "stompbox_relay_publish_seconds_count", "mode", "redis", "outcome",
					"duplicate"))
				.isEqualTo(1);
			assertThat(after.since(before, "stompbox_relay_lag_seconds_count")).isEqualTo(1);
			// The ts read from the envelope is the envelope's, not the body's ts of 1 ms
			// after the epoch.
			assertThat(after.value("stompbox_relay_lag_seconds_max")).isLessThan(60);
			assertThat(after.value("stompbox_presence_sessions")).isEqualTo(1);
			assertThat(after.named("stompbox_relay_publish_seconds_count"))
				.allSatisfy((sample) -> assertThat(sample.labels()).containsEntry("mode", "redis"));
		}
	}

}
