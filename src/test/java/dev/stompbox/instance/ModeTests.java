package dev.stompbox.instance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "REDIS_URL, redis://redis:6379", "REDIS_URL, rediss://user:pass@redis.example:6380/2",
			"spring.data.redis.url, redis://redis:6379", "spring.data.redis.host, redis" })
	void aRedisUrlOrSpringsRedisSettingsMeanCluster(String name, String value) {
		assertThat(Mode.of(new MockEnvironment().withProperty(name, value))).isEqualTo(Mode.CLUSTER);
	}

	@Test
	void blankRedisUrlMeansSingleNode() {
		assertThat(Mode.of(new MockEnvironment().withProperty("REDIS_URL", ""))).isEqualTo(Mode.SINGLE_NODE);
		assertThat(Mode.of(new MockEnvironment().withProperty("REDIS_URL", "  "))).isEqualTo(Mode.SINGLE_NODE);
	}

}
