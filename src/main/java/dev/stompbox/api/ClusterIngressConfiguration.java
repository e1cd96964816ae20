package dev.stompbox.api;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.user.UserEvents;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterIngressConfiguration {

	@Bean
	RedisIngress redisIngress(RedisScripts scripts, RedisConnections connections, ChannelSubscriptions subscriptions,
			RedisKeys keys, InstanceId instanceId, RoomRelay relay, UserEvents userEvents, JsonMapper jsonMapper,
			Clock clock) {
		return new RedisIngress(scripts, connections, subscriptions, keys, instanceId, relay, userEvents, jsonMapper,
				clock);
	}

}
