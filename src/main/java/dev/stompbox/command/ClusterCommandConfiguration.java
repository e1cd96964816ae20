package dev.stompbox.command;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisProperties;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterCommandConfiguration {

	@Bean
	RedisCommandSink redisCommandSink(RedisConnections connections, RedisKeys keys, RedisProperties properties) {
		return new RedisCommandSink(connections, keys, properties.commandStreamLength());
	}

}
