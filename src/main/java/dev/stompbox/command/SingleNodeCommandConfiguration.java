package dev.stompbox.command;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.stompbox.instance.ConditionalOnSingleNode;

@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleNode
class SingleNodeCommandConfiguration {

	@Bean
	InMemoryCommandSink inMemoryCommandSink(ApplicationEventPublisher events) {
		return new InMemoryCommandSink(events);
	}

}
