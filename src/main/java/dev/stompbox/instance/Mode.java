package dev.stompbox.instance;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Single node or cluster, decided once from whether Redis is configured (PROTOCOL.md
 * section 9).
 */
public enum Mode {

	SINGLE_NODE, CLUSTER;

	public static Mode of(Environment environment) {
		boolean redis = StringUtils.hasText(environment.getProperty("REDIS_URL"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.url"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.host"));
		return redis ? CLUSTER : SINGLE_NODE;
	}

}
