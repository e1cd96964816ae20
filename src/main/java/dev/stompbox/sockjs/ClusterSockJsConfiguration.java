package dev.stompbox.sockjs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.security.SockJsSessionOwners;
import dev.stompbox.security.TokenVerifier;
import dev.stompbox.session.StompEndpoints;

/**
 * SockJS's HTTP transports without session affinity, in cluster mode: the sessions this
 * instance holds are recorded in Redis, and a request of a session another instance holds
 * is relayed to it over Redis. A single node holds every session and needs none of this.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterSockJsConfiguration {

	/**
	 * After the SockJS owner filter and the xhr_send body limit, whose bound it relies
	 * on.
	 */
	static final int FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	@Bean
	HeldSessions heldSockJsSessions(RedisConnections connections, RedisScripts scripts, RedisKeys keys,
			InstanceId instance, TaskScheduler stompboxScheduler) {
		return new HeldSessions(connections, scripts, keys, instance, stompboxScheduler);
	}

	@Bean
	RelayChannel sockJsRelayChannel(RedisConnections connections, RedisScripts scripts, RedisKeys keys,
			InstanceId instance) {
		return new RelayChannel(connections, scripts, keys, instance);
	}

	/**
	 * Where relayed requests of the sessions held here are handled, one after the other.
	 */
	@Bean(destroyMethod = "shutdownNow")
	ExecutorService sockJsHolderExecutor() {
		return Executors.newSingleThreadExecutor(Thread.ofPlatform().name("stompbox-sockjs-holder").factory());
	}

	/** Where relayed frames are written to clients: a write may wait on a slow client. */
	@Bean(destroyMethod = "shutdownNow")
	ExecutorService sockJsRelayWriters() {
		return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stompbox-sockjs-writer-", 0).factory());
	}

	@Bean
	SessionHolder sockJsSessionHolder(HeldSessions sessions, SockJsSessionOwners owners, RelayChannel channel,
			ExecutorService sockJsHolderExecutor, StompboxMetrics metrics, ConnectionRegistry connections) {
		return new SessionHolder(sessions, owners, channel, sockJsHolderExecutor, metrics, connections);
	}

	@Bean
	RequestRelay sockJsRequestRelay(RelayChannel channel, StompboxMetrics metrics, ExecutorService sockJsRelayWriters,
			TaskScheduler stompboxScheduler, TokenVerifier verifier) {
		return new RequestRelay(channel, metrics, sockJsRelayWriters, stompboxScheduler, verifier);
	}

	/** Subscribes this instance's SockJS channel before the web server takes requests. */
	@Bean
	SmartLifecycle sockJsRelayListener(RelayChannel channel, ChannelSubscriptions subscriptions, SessionHolder holder,
			RequestRelay relay) {
		return new RelayListener(channel, subscriptions, holder, relay);
	}

	@Bean
	FilterRegistrationBean<SockJsRelayFilter> sockJsRelayFilter(HeldSessions sessions, RequestRelay relay,
			TokenVerifier verifier, ConnectionProperties connections) {
		FilterRegistrationBean<SockJsRelayFilter> registration = new FilterRegistrationBean<>(
				new SockJsRelayFilter(sessions, relay, verifier, connections.originPatterns()));
		registration.addUrlPatterns(StompEndpoints.SOCKJS + "/*");
		registration.setOrder(FILTER_ORDER);
		registration.setAsyncSupported(true);
		return registration;
	}

}
