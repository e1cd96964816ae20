package dev.stompbox.history;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterHistoryConfiguration {

	@Bean
	RedisRoomHistory redisRoomHistory(RedisScripts scripts, RedisKeys keys, JsonMapper jsonMapper) {
		return new RedisRoomHistory(scripts, keys, jsonMapper);
	}

}
