package dev.stompbox.dedupe;

import java.time.Clock;
import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;

import dev.stompbox.instance.ConditionalOnSingleNode;

@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleNode
class SingleNodeDedupeConfiguration {

	@Bean
	InMemoryDedupeWindow inMemoryDedupeWindow(DedupeProperties properties, Clock clock,
			TaskScheduler stompboxScheduler) {
		InMemoryDedupeWindow window = new InMemoryDedupeWindow(properties, clock);
		stompboxScheduler.scheduleWithFixedDelay(window::forgetExpired, Duration.ofMinutes(1));
		return window;
	}

}
