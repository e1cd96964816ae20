package dev.stompbox.instance;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single node or cluster, from whether Redis is configured (PROTOCOL.md sections 9 and
 * 10).
 */
class ModeTests {

	@Test
	void noRedisMeansSingleNode() {
		assertThat(Mode.of(new MockEnvironment())).isEqualTo(Mode.SINGLE_NODE);
	}

	@Test
	void redisUrlMeansCluster() {
		assertThat(Mode.of(new MockEnvironment().withProperty("REDIS_URL", "redis://redis:6379")))
			.isEqualTo(Mode.CLUSTER);
		assertThat(Mode.of(new MockEnvironment().withProperty("REDIS_URL", "rediss://user:pass@redis.example:6380/2")))
			.isEqualTo(Mode.CLUSTER);
	}

	@Test
	void springRedisSettingsMeanCluster() {
		assertThat(Mode.of(new MockEnvironment().withProperty("spring.data.redis.url", "redis://redis:6379")))
			.isEqualTo(Mode.CLUSTER);
		assertThat(Mode.of(new MockEnvironment().withProperty("spring.data.redis.host", "redis")))
			.isEqualTo(Mode.CLUSTER);
	}

	@Test
	void blankRedisUrlMeansSingleNode() {
		assertThat(Mode.of(new MockEnvironment().withProperty("REDIS_URL", ""))).isEqualTo(Mode.SINGLE_NODE);
		assertThat(Mode.of(new MockEnvironment().withProperty("REDIS_URL", "  "))).isEqualTo(Mode.SINGLE_NODE);
	}

}
