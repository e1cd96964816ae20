package dev.stompbox.presence;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.instance.ConditionalOnSingleNode;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.session.SessionGate;

@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleNode
class SingleNodePresenceConfiguration {

	@Bean
	InMemoryPresence inMemoryPresence(RoomRelay relay, JsonMapper jsonMapper, Clock clock, StompboxMetrics metrics,
			SessionGate sessions, ConnectionProperties connections) {
		InMemoryPresence presence = new InMemoryPresence(relay, jsonMapper, clock, sessions, connections.maxRooms());
		metrics.presenceSessions(presence, InMemoryPresence::localSessions);
		return presence;
	}

}
