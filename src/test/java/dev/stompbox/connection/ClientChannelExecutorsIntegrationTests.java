package dev.stompbox.connection;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.messaging.support.ExecutorSubscribableChannel;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client frames and Spring's replies run on threads of their own, not on the server's
 * timer threads, which Spring Boot would hand both channels as the context's only
 * executor.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class ClientChannelExecutorsIntegrationTests {

	@Autowired
	@Qualifier("clientInboundChannel")
	ExecutorSubscribableChannel inbound;

	@Autowired
	@Qualifier("clientOutboundChannel")
	ExecutorSubscribableChannel outbound;

	@Autowired
	ThreadPoolTaskScheduler stompboxScheduler;

	@Test
	void clientFramesRunOnInboundThreadsOfTheirOwn() {
		assertThat(this.inbound.getExecutor()).isNotSameAs(this.stompboxScheduler)
			.isInstanceOfSatisfying(ThreadPoolTaskExecutor.class,
					(executor) -> assertThat(executor.getThreadNamePrefix()).isEqualTo("stompbox-inbound-"));
	}

	@Test
	void eachChannelHasOneThreadPerCore() {
		int cores = Runtime.getRuntime().availableProcessors();
		assertThat(((ThreadPoolTaskExecutor) this.inbound.getExecutor()).getCorePoolSize()).isEqualTo(cores);
		assertThat(((ThreadPoolTaskExecutor) this.outbound.getExecutor()).getCorePoolSize()).isEqualTo(cores);
	}

	@Test
	void repliesRunOnOutboundThreadsOfTheirOwn() {
		assertThat(this.outbound.getExecutor()).isNotSameAs(this.stompboxScheduler)
			.isInstanceOfSatisfying(ThreadPoolTaskExecutor.class,
					(executor) -> assertThat(executor.getThreadNamePrefix()).isEqualTo("stompbox-outbound-"));
	}

}
