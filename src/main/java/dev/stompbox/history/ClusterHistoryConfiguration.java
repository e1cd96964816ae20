package dev.stompbox.history;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;

/**
 * Cluster history, read with threads of its own: decoding up to half a megabyte of
 * messages and building the reply around them would otherwise run on the one thread that
 * hands every Redis answer on, and hold up every other client's ACK. One thread per core:
 * the work does not block. Not a bean: another executor bean would change what Boot hands
 * its other integrations (see {@code ClientChannelExecutors}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterHistoryConfiguration implements DisposableBean {

	private final ExecutorService reads = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
			Thread.ofPlatform().name("stompbox-history-", 0).daemon().factory());

	@Bean
	RedisRoomHistory redisRoomHistory(RedisScripts scripts, RedisKeys keys, JsonMapper jsonMapper) {
		return new RedisRoomHistory(scripts, keys, jsonMapper, this.reads);
	}

	@Override
	public void destroy() {
		this.reads.shutdown();
	}

}
