package dev.stompbox.connection.delivery;

import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.user.UserQueue;

/**
 * The local broker: it writes to this instance's subscribers; the relay feeds it. Enabled
 * by {@link MessageBrokerConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration implements WebSocketMessageBrokerConfigurer {

	private final ConnectionProperties properties;

	private final TaskScheduler scheduler;

	BrokerConfiguration(ConnectionProperties properties, TaskScheduler stompboxScheduler) {
		this.properties = properties;
		this.scheduler = stompboxScheduler;
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		long heartbeat = this.properties.heartbeat().toMillis();
		registry.setApplicationDestinationPrefixes(RoomDestinations.APP_PREFIX);
		registry.setUserDestinationPrefix(UserQueue.USER_PREFIX);
		registry.enableSimpleBroker("/topic", "/queue")
			.setHeartbeatValue(new long[] { heartbeat, heartbeat })
			.setTaskScheduler(this.scheduler);
		registry.setPreservePublishOrder(true);
	}

}
