package dev.stompbox.api;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.presence.PresenceProperties;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.user.UserEvents;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterIngressConfiguration {

	@Bean
	RedisIngress redisIngress(RedisScripts scripts, ChannelSubscriptions subscriptions, RedisKeys keys,
			InstanceId instanceId, RoomRelay relay, UserEvents userEvents, JsonMapper jsonMapper, Clock clock,
			PresenceProperties presence) {
		return new RedisIngress(scripts, subscriptions, keys, instanceId, relay, userEvents, jsonMapper, clock,
				presence.timeout().toMillis());
	}

}
