package dev.stompbox.connection;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * Where the frames clients send and Spring's replies to them run. Spring Boot hands both
 * channels the context's only {@code AsyncTaskExecutor} when there is one, and here that is the
 * server's two timer threads: every frame of every connection then queued with the
 * heart-beats, token expiries and lease renewals, and a storm of re-joins held them back.
 * <p>
 * Client frames are handled on the thread that read them (Jetty's, or the SockJS request's):
 * nothing their handlers do blocks (Redis is asked asynchronously), a connection's frames are
 * read one after another, and a hand-off to another thread cost each SEND a wake-up and a
 * context switch, which on two shared cores is a large part of a message's cost. A connection
 * whose frames take long to handle is then also read no faster than they are handled, instead
 * of filling an unbounded queue.
 * <p>
 * Replies (receipts, ACKs, errors; room messages go out on the fan-out lanes) keep one thread
 * per core of their own: they are sent from wherever a Redis answer completes, and a write to
 * a client that stopped reading must not hold up that thread. The executor is not a bean: a
 * second {@code AsyncTaskExecutor} bean would change what Boot hands its other integrations.
 * It is shut down after the channels, which depend on this configurer. This runs after Boot's
 * configurer (order 0), whose choice it replaces.
 */
@Configuration(proxyBeanMethods = false)
@Order(Ordered.LOWEST_PRECEDENCE)
class ClientChannelExecutors implements WebSocketMessageBrokerConfigurer, DisposableBean {

	private final ThreadPoolTaskExecutor outbound = executor("stompbox-outbound-");

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.executor(new SyncTaskExecutor());
	}

	@Override
	public void configureClientOutboundChannel(ChannelRegistration registration) {
		registration.executor(this.outbound);
	}

	@Override
	public void destroy() {
		this.outbound.shutdown();
	}

	private static ThreadPoolTaskExecutor executor(String threadNamePrefix) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(Runtime.getRuntime().availableProcessors());
		executor.setAllowCoreThreadTimeOut(true);
		executor.setThreadNamePrefix(threadNamePrefix);
		executor.initialize();
		return executor;
	}

}
