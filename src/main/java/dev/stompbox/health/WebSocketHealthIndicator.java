package dev.stompbox.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.instance.InstanceId;

/**
 * The {@code websocket} component of {@code /actuator/health} (PROTOCOL.md section 8):
 * open sessions against this instance's cap. Always UP: a full instance refuses new
 * connections with close 1013 but still serves the ones it has, so it must not be taken
 * out of rotation.
 */
// Named explicitly: the default bean name would make the component "webSocket".
@Component("websocketHealthIndicator")
class WebSocketHealthIndicator implements HealthIndicator {

	private final ConnectionRegistry connections;

	private final ConnectionProperties properties;

	private final InstanceId instanceId;

	WebSocketHealthIndicator(ConnectionRegistry connections, ConnectionProperties properties, InstanceId instanceId) {
		this.connections = connections;
		this.properties = properties;
		this.instanceId = instanceId;
	}

	@Override
	public Health health() {
		return Health.up()
			.withDetail("sessions", this.connections.count())
			.withDetail("maxConnections", this.properties.maxConnections())
			.withDetail("instanceId", this.instanceId.value())
			.build();
	}

}
