package dev.stompbox.redis;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.scheduling.TaskScheduler;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * Redis for cluster mode. Commands fail at once while Redis is unreachable, so a client
 * hears {@code unavailable} within two seconds instead of waiting on a queue; reconnects
 * are retried at most half a second apart so subscriptions are back soon after Redis is.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterRedisConfiguration {

	/**
	 * Below the 2 s within which PROTOCOL.md promises a client its {@code unavailable}:
	 * when Redis hangs with its connections open, the command times out and the answer
	 * still has to reach the client.
	 */
	static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1500);

	@Bean
	LettuceClientConfigurationBuilderCustomizer stompboxLettuceClient() {
		return (builder) -> builder.commandTimeout(COMMAND_TIMEOUT);
	}

	/**
	 * Added to the options Spring Boot builds rather than replacing them: those carry the
	 * SSL bundle's trust material (Memorystore's CA for {@code rediss://}) and the
	 * connect timeout.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer stompboxLettuceClientOptions() {
		return (builder) -> builder.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT));
	}

	@Bean
	ClientResourcesBuilderCustomizer stompboxReconnectDelay() {
		return (builder) -> builder
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * Commands sent from other threads are each written and flushed by the connection's
	 * I/O thread, one socket write per command. In a storm of joins that thread is the
	 * one every join waits on, so the commands queued while it was busy go out in one
	 * write.
	 */
	@Bean
	ClientResourcesBuilderCustomizer stompboxConsolidatedFlushes() {
		return (builder) -> builder.nettyCustomizer(new NettyCustomizer() {

			@Override
			public void afterChannelInitialized(Channel channel) {
				channel.pipeline().addFirst(new FlushConsolidationHandler(256, true));
			}

		});
	}

	@Bean(destroyMethod = "close")
	RedisConnections redisConnections(LettuceConnectionFactory factory) {
		return new RedisConnections(factory);
	}

	/**
	 * Where what waits for a script's answer runs (ACKs, presence events, history reads):
	 * not on Lettuce's I/O thread, which must keep reading Redis's answers, pings
	 * included. One thread, so continuations run in the order Redis answered.
	 */
	@Bean(destroyMethod = "shutdownNow")
	ExecutorService redisReplies() {
		return Executors.newSingleThreadExecutor(Thread.ofPlatform().name("stompbox-redis-replies").factory());
	}

	@Bean
	RedisScripts redisScripts(RedisConnections connections, ExecutorService redisReplies) {
		return new RedisScripts(connections, redisReplies);
	}

	@Bean
	ChannelSubscriptions channelSubscriptions(RedisConnections connections) {
		return new ChannelSubscriptions(connections);
	}

	@Bean
	RedisAvailability redisAvailability(RedisConnections connections, TaskScheduler stompboxScheduler,
			ApplicationEventPublisher events, StompboxMetrics metrics) {
		RedisAvailability availability = new RedisAvailability(connections, stompboxScheduler, events);
		metrics.redisReconnects(availability, RedisAvailability::outages);
		return availability;
	}

}
