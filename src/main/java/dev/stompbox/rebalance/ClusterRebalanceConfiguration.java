package dev.stompbox.rebalance;

import java.time.Clock;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.connection.ConnectionHandover;
import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;

@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterRebalanceConfiguration {

	@Bean
	Rebalancer rebalancer(RebalanceProperties properties, Environment environment, RedisConnections connections,
			RedisKeys keys, JsonMapper jsonMapper, ConnectionRegistry registry, ConnectionHandover handover,
			ConnectionProperties connectionProperties, StompboxMetrics metrics, TaskScheduler stompboxScheduler,
			ApplicationAvailability availability, Clock clock, InstanceId instanceId) {
		String revision = StringUtils.hasText(properties.revision()) ? properties.revision()
				: environment.getProperty("K_REVISION");
		return new Rebalancer(properties, new Announcements(connections, keys, jsonMapper), registry, handover, metrics,
				stompboxScheduler, availability, clock, instanceId,
				StringUtils.hasText(revision) ? revision.strip() : null, connectionProperties.maxConnections());
	}

}
