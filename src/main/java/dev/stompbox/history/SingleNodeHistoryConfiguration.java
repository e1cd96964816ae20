package dev.stompbox.history;

import java.time.Clock;
import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnSingleNode;

@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleNode
class SingleNodeHistoryConfiguration {

	@Bean
	InMemoryRoomHistory inMemoryRoomHistory(HistoryProperties properties, JsonMapper jsonMapper, Clock clock,
			TaskScheduler stompboxScheduler) {
		InMemoryRoomHistory history = new InMemoryRoomHistory(properties, jsonMapper, clock);
		Duration sweep = properties.ttl().compareTo(Duration.ofMinutes(1)) < 0 ? properties.ttl()
				: Duration.ofMinutes(1);
		stompboxScheduler.scheduleWithFixedDelay(history::expireIdleRooms,
				sweep.isZero() ? Duration.ofSeconds(1) : sweep);
		return history;
	}

}
