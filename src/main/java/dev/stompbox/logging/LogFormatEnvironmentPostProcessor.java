package dev.stompbox.logging;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code STOMPBOX_LOG_FORMAT} into Spring Boot's
 * {@code logging.structured.format.console}. Environment post-processors run before the
 * logging system starts, so the first line is already in the chosen format. Added last:
 * an operator who sets Spring Boot's property directly keeps it.
 */
class LogFormatEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY = "stompbox.log-format";

	static final String STRUCTURED_FORMAT_PROPERTY = "logging.structured.format.console";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String setting = environment.getProperty(PROPERTY);
		LogFormat format = (setting != null) ? LogFormat.of(setting) : null;
		String structuredFormat = (format != null) ? format.structuredFormat() : null;
		if (structuredFormat != null) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("stompboxLogFormat",
						Map.of(STRUCTURED_FORMAT_PROPERTY, structuredFormat)));
		}
	}

}
