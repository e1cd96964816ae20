package dev.stompbox.logging;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code STOMPBOX_LOG_FORMAT}, given as an operator gives it, to Spring Boot's structured
 * logging setting.
 */
class LogFormatEnvironmentPostProcessorTests {

	@Test
	void jsonChoosesTheCloudLoggingFormatter() {
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", "json")))
			.isEqualTo("dev.stompbox.logging.JsonLogFormatter");
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", " JSON ")))
			.isEqualTo(JsonLogFormatter.class.getName());
	}

	@Test
	void springBootsOwnFormatsPassThrough() {
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", "ecs"))).isEqualTo("ecs");
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", "logstash"))).isEqualTo("logstash");
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", "gelf"))).isEqualTo("gelf");
	}

	@Test
	void textOrNothingLeavesThePlainLines() {
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", "text"))).isNull();
		assertThat(structuredFormat(Map.of())).isNull();
	}

	@Test
	void anUnknownValueIsLeftForBindingToRefuse() {
		assertThat(structuredFormat(Map.of("STOMPBOX_LOG_FORMAT", "yaml"))).isNull();
	}

	@Test
	void springBootsOwnSettingWins() {
		StandardEnvironment environment = environment(Map.of("STOMPBOX_LOG_FORMAT", "json"));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("operator", Map.of("logging.structured.format.console", "ecs")));
		new LogFormatEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.structured.format.console")).isEqualTo("ecs");
	}

	private static String structuredFormat(Map<String, Object> variables) {
		StandardEnvironment environment = environment(variables);
		new LogFormatEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		return environment.getProperty("logging.structured.format.console");
	}

	private static StandardEnvironment environment(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables));
		return environment;
	}

}
