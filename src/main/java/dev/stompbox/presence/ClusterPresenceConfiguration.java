package dev.stompbox.presence;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.redis.LeaseListener;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.session.SessionGate;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterPresenceConfiguration {

	@Bean
	RedisPresence redisPresence(RedisScripts scripts, RedisKeys keys, InstanceId instanceId, StompboxMetrics metrics,
			JsonMapper jsonMapper, SessionGate sessions, ConnectionProperties connections) {
		RedisPresence presence = new RedisPresence(scripts, keys, instanceId, jsonMapper, sessions,
				connections.maxRooms());
		metrics.presenceSessions(presence, RedisPresence::localSessions);
		return presence;
	}

	@Bean
	InstanceLease instanceLease(RedisConnections connections, RedisKeys keys, InstanceId instanceId,
			PresenceProperties presence, TaskScheduler stompboxScheduler, ObjectProvider<LeaseListener> listeners) {
		return new InstanceLease(connections, keys, instanceId, presence, stompboxScheduler, listeners);
	}

}
