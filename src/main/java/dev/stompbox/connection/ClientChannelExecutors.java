package dev.stompbox.connection;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * Threads of their own for the frames clients send and for what Spring sends them back
 * (receipts, ACKs, errors; room messages go out on the fan-out lanes). Spring Boot hands
 * both channels the context's only {@code AsyncTaskExecutor} when there is one, and here
 * that is the server's two timer threads: every frame of every connection then queued
 * with the heart-beats, token expiries and lease renewals, and a storm of re-joins held
 * them back.
 * <p>
 * One thread per core and channel (Spring's own executors have two): what runs on them
 * does not block, and every runnable thread more takes its slice of the cores from
 * Lettuce's I/O thread, which every join and publish waits on (see {@code JettyThreads}).
 * They are not beans: a second {@code AsyncTaskExecutor} bean would change what Boot
 * hands its other integrations. They are shut down after the channels, which depend on
 * this configurer. It runs after Boot's configurer (order 0), whose choice it replaces.
 */
@Configuration(proxyBeanMethods = false)
@Order(Ordered.LOWEST_PRECEDENCE)
class ClientChannelExecutors implements WebSocketMessageBrokerConfigurer, DisposableBean {

	private final ThreadPoolTaskExecutor inbound = executor("stompbox-inbound-");

	private final ThreadPoolTaskExecutor outbound = executor("stompbox-outbound-");

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.executor(this.inbound);
	}

	@Override
	public void configureClientOutboundChannel(ChannelRegistration registration) {
		registration.executor(this.outbound);
	}

	@Override
	public void destroy() {
		this.inbound.shutdown();
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
