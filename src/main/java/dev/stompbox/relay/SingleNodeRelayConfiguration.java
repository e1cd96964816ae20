package dev.stompbox.relay;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.dedupe.DedupeWindow;
import dev.stompbox.history.InMemoryRoomHistory;
import dev.stompbox.instance.ConditionalOnSingleNode;
import dev.stompbox.metrics.StompboxMetrics;

@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleNode
class SingleNodeRelayConfiguration {

	@Bean
	InMemoryRoomRelay inMemoryRoomRelay(InMemoryRoomHistory history, DedupeWindow dedupe, LocalDelivery delivery,
			JsonMapper jsonMapper, Clock clock, StompboxMetrics metrics) {
		return new InMemoryRoomRelay(history, dedupe, delivery, jsonMapper, clock, metrics);
	}

}
