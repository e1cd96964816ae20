package dev.stompbox.redis;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Lets operators configure Redis with the one variable PROTOCOL.md names,
 * {@code REDIS_URL}, by handing it to Spring Data Redis as {@code spring.data.redis.url}
 * (unless that is set).
 */
class RedisUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String url = environment.getProperty("REDIS_URL");
		if (StringUtils.hasText(url) && !StringUtils.hasText(environment.getProperty("spring.data.redis.url"))) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("stompboxRedisUrl", Map.of("spring.data.redis.url", url.strip())));
		}
	}

}
