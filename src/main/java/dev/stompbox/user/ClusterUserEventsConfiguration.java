package dev.stompbox.user;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.session.SessionGate;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterUserEventsConfiguration {

	@Bean
	RedisUserEvents redisUserEvents(RedisScripts scripts, RedisConnections connections,
			ChannelSubscriptions subscriptions, RedisKeys keys, InstanceId instanceId,
			@Lazy SimpUserRegistry userRegistry, SessionReplies replies, JsonMapper jsonMapper, SessionGate sessions) {
		return new RedisUserEvents(scripts, connections, subscriptions, keys, instanceId,
				new LocalUserEvents(userRegistry, replies, jsonMapper), jsonMapper, sessions);
	}

}
