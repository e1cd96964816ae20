package dev.stompbox.relay;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.dedupe.DedupeProperties;
import dev.stompbox.history.HistoryProperties;
import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterRelayConfiguration {

	@Bean
	RedisRoomRelay redisRoomRelay(RedisScripts scripts, RedisConnections connections,
			ChannelSubscriptions subscriptions, RedisKeys keys, LocalDelivery delivery, JsonMapper jsonMapper,
			HistoryProperties history, DedupeProperties dedupe, StompboxMetrics metrics) {
		return new RedisRoomRelay(scripts, connections, subscriptions, keys, delivery, jsonMapper, history, dedupe,
				metrics);
	}

}
