package dev.stompbox.rebalance;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rebalancing settings of PROTOCOL.md section 10 given as an operator gives them, as
 * OS environment variables (in the style of {@code ConfigurationBindingTests}).
 */
class RebalancePropertiesTests {

	private static final String SYSTEM_ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Settings.class);

	@Test
	void unsetVariablesGiveTheDefaultsOfTheTable() {
		withEnvironmentVariables(Map.of()).run((context) -> {
			RebalanceProperties properties = context.getBean(RebalanceProperties.class);
			assertThat(properties.enabled()).isFalse();
			assertThat(properties.revision()).isNull();
			assertThat(properties.rebalanceWindow()).isEqualTo(Duration.ofMinutes(2));
			assertThat(properties.rebalanceSettle()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@ParameterizedTest(name = "STOMPBOX_REBALANCE={0}")
	@CsvSource({ "off, false, false", "revision, true, false", "load, false, true", "'revision,load', true, true",
			"'LOAD, Revision', true, true" })
	void rebalanceVariableNamesWhatApplies(String value, boolean byRevision, boolean byLoad) {
		withEnvironmentVariables(Map.of("STOMPBOX_REBALANCE", value, "STOMPBOX_REVISION", "stompbox-00042-abc",
				"STOMPBOX_REBALANCE_WINDOW", "30s"))
			.run((context) -> {
				RebalanceProperties properties = context.getBean(RebalanceProperties.class);
				assertThat(properties.byRevision()).isEqualTo(byRevision);
				assertThat(properties.byLoad()).isEqualTo(byLoad);
				assertThat(properties.revision()).isEqualTo("stompbox-00042-abc");
				assertThat(properties.rebalanceWindow()).isEqualTo(Duration.ofSeconds(30));
			});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			STOMPBOX_REBALANCE        | sideways     | sideways
			STOMPBOX_REBALANCE        | off,load     | STOMPBOX_REBALANCE must be off, revision, load or revision,load
			STOMPBOX_REBALANCE_WINDOW | 0s           | must be longer than or equal to 1 second
			STOMPBOX_REBALANCE_WINDOW | soon         | soon
			""")
	void badValueStopsStartUpNamingTheSetting(String variable, String value, String reason) {
		withEnvironmentVariables(Map.of(variable, value)).run((context) -> {
			assertThat(context).hasFailed();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
				messages.append(cause).append('\n');
			}
			assertThat(messages.toString()).contains(reason).containsAnyOf(variable, "stompbox.rebalance");
		});
	}

	private ApplicationContextRunner withEnvironmentVariables(Map<String, Object> env) {
		return this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.replace(SYSTEM_ENVIRONMENT, new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, env)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RebalanceProperties.class)
	static class Settings {

	}

}
