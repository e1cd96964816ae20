package dev.stompbox.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.redis.RedisAvailability;

/**
 * The {@code redis} component of {@code /actuator/health} in cluster mode, from the
 * availability probe rather than a probe of its own, so health and readiness always
 * agree.
 */
@Component("redisHealthIndicator")
@ConditionalOnCluster
class RedisHealthIndicator implements HealthIndicator {

	private final RedisAvailability availability;

	RedisHealthIndicator(RedisAvailability availability) {
		this.availability = availability;
	}

	@Override
	public Health health() {
		Health.Builder health = this.availability.isAvailable() ? Health.up() : Health.down();
		return health.withDetail("outages", this.availability.outages()).build();
	}

}
