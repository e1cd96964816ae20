package dev.stompbox.connection;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.messaging.support.ExecutorSubscribableChannel;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client frames are handled on the thread that read them, and Spring's replies on threads of
 * their own; neither on the server's timer threads, which Spring Boot would hand both channels
 * as the context's only executor.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = TestTokens.SECRET_PROPERTY)
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
	void clientFramesAreHandledOnTheThreadThatReadThem() {
		assertThat(this.inbound.getExecutor()).isInstanceOf(SyncTaskExecutor.class);
	}

	@Test
	void repliesHaveOneThreadPerCore() {
		int cores = Runtime.getRuntime().availableProcessors();
		assertThat(((ThreadPoolTaskExecutor) this.outbound.getExecutor()).getCorePoolSize()).isEqualTo(cores);
	}

	@Test
	void repliesRunOnOutboundThreadsOfTheirOwn() {
		assertThat(this.outbound.getExecutor()).isNotSameAs(this.stompboxScheduler)
			.isInstanceOfSatisfying(ThreadPoolTaskExecutor.class,
					(executor) -> assertThat(executor.getThreadNamePrefix()).isEqualTo("stompbox-outbound-"));
	}

}
