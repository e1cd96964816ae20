package dev.stompbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;
import org.springframework.web.context.support.StandardServletEnvironment;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.dedupe.DedupeProperties;
import dev.stompbox.history.HistoryProperties;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.instance.InstanceProperties;
import dev.stompbox.presence.PresenceProperties;
import dev.stompbox.security.jwt.DemoProperties;
import dev.stompbox.security.jwt.JwtProperties;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The operator's settings of PROTOCOL.md section 10, given the way an operator gives
 * them: as OS environment variables, which only Spring's relaxed binding turns into
 * properties.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationBindingTests {

	private static final String SYSTEM_ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(EveryProperties.class);

	@Test
	void everyVariableOfTheTableBindsToItsSetting() {
		Map<String, Object> env = new HashMap<>();
		env.put("STOMPBOX_MAX_CONNECTIONS", "5");
		env.put("STOMPBOX_MAX_CONNECTION_LIFETIME", "30m");
		env.put("STOMPBOX_MAX_FRAME_SIZE", "1024");
		env.put("STOMPBOX_RATE_LIMIT", "7");
		env.put("STOMPBOX_HISTORY_SIZE", "9");
		env.put("STOMPBOX_HISTORY_TTL", "2h");
		env.put("STOMPBOX_PRESENCE_TIMEOUT", "15s");
		env.put("STOMPBOX_INSTANCE_ID", "x");
		env.put("STOMPBOX_JWT_CLOCK_SKEW", "5s");
		env.put("STOMPBOX_ALLOWED_ORIGINS", "https://a.example,https://b.example");
		env.put("STOMPBOX_JWT_ISSUER", "https://issuer.example");
		env.put("STOMPBOX_JWT_AUDIENCE", "stompbox");
		env.put("STOMPBOX_JWT_SECRET", TestTokens.SECRET);
		env.put("STOMPBOX_DEMO", "true");
		withEnvironmentVariables(env).run((context) -> {
			assertThat(context).hasNotFailed();
			ConnectionProperties connection = context.getBean(ConnectionProperties.class);
			assertThat(connection.maxConnections()).isEqualTo(5);
			assertThat(connection.maxConnectionLifetime()).isEqualTo(Duration.ofMinutes(30));
			assertThat(connection.maxFrameSize()).isEqualTo(DataSize.ofBytes(1024));
			assertThat(connection.rateLimit()).isEqualTo(7);
			assertThat(connection.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
			HistoryProperties history = context.getBean(HistoryProperties.class);
			assertThat(history.size()).isEqualTo(9);
			assertThat(history.ttl()).isEqualTo(Duration.ofHours(2));
			assertThat(context.getBean(PresenceProperties.class).timeout()).isEqualTo(Duration.ofSeconds(15));
			assertThat(context.getBean(InstanceProperties.class).instanceId()).isEqualTo("x");
			JwtProperties jwt = context.getBean(JwtProperties.class);
			assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(5));
			assertThat(jwt.issuer()).isEqualTo("https://issuer.example");
			assertThat(jwt.audience()).isEqualTo("stompbox");
			assertThat(jwt.secret()).isEqualTo(TestTokens.SECRET);
			assertThat(jwt.jwksUri()).isNull();
			assertThat(jwt.hasKey()).isTrue();
			assertThat(context.getBean(DemoProperties.class).demo()).isTrue();
		});
	}

	@Test
	void jwksUriBindsFromItsVariable() {
		Map<String, Object> env = Map.of("STOMPBOX_JWT_JWKS_URI", "https://issuer.example/.well-known/jwks.json");
		withEnvironmentVariables(env).run((context) -> {
			JwtProperties jwt = context.getBean(JwtProperties.class);
			assertThat(jwt.jwksUri()).isEqualTo(URI.create("https://issuer.example/.well-known/jwks.json"));
			assertThat(jwt.secret()).isNull();
			assertThat(jwt.hasKey()).isTrue();
		});
	}

	@Test
	void unsetVariablesGiveTheDefaultsOfTheTable() {
		withEnvironmentVariables(Map.of()).run((context) -> {
			assertThat(context).hasNotFailed();
			ConnectionProperties connection = context.getBean(ConnectionProperties.class);
			assertThat(connection.maxConnections()).isEqualTo(10000);
			assertThat(connection.maxConnectionLifetime()).isEqualTo(Duration.ofMinutes(55));
			assertThat(connection.maxFrameSize()).isEqualTo(DataSize.ofBytes(65536));
			assertThat(connection.rateLimit()).isEqualTo(50);
			assertThat(connection.allowedOrigins()).isEmpty();
			HistoryProperties history = context.getBean(HistoryProperties.class);
			assertThat(history.size()).isEqualTo(1000);
			assertThat(history.ttl()).isEqualTo(Duration.ofHours(24));
			assertThat(context.getBean(PresenceProperties.class).timeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(context.getBean(DedupeProperties.class).window()).isEqualTo(Duration.ofMinutes(10));
			assertThat(context.getBean(InstanceProperties.class).instanceId()).isNull();
			JwtProperties jwt = context.getBean(JwtProperties.class);
			assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(10));
			assertThat(jwt.secret()).isNull();
			assertThat(jwt.jwksUri()).isNull();
			assertThat(jwt.issuer()).isNull();
			assertThat(jwt.audience()).isNull();
			assertThat(jwt.hasKey()).isFalse();
			assertThat(context.getBean(DemoProperties.class).demo()).isFalse();
		});
	}

	@Test
	void portVariableSetsTheServerPort() {
		assertThat(serverPort(Map.of("PORT", "9091"))).isEqualTo(9091);
	}

	@Test
	void serverPortDefaultsTo8080() {
		assertThat(serverPort(Map.of())).isEqualTo(8080);
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			STOMPBOX_MAX_CONNECTIONS         | 0     | must be greater than or equal to 1
			STOMPBOX_MAX_CONNECTIONS         | lots  | lots
			STOMPBOX_RATE_LIMIT              | -1    | must be greater than or equal to 1
			STOMPBOX_HISTORY_SIZE            | -5    | must be greater than or equal to 0
			STOMPBOX_MAX_FRAME_SIZE          | 10    | must be between 1024 and 16777216 bytes
			STOMPBOX_MAX_FRAME_SIZE          | 10B   | must be between 1024 and 16777216 bytes
			STOMPBOX_MAX_FRAME_SIZE          | 32MB  | must be between 1024 and 16777216 bytes
			STOMPBOX_MAX_CONNECTION_LIFETIME | 0s    | must be longer than or equal to 1 second
			STOMPBOX_MAX_CONNECTION_LIFETIME | soon  | soon
			STOMPBOX_JWT_CLOCK_SKEW          | 5m    | must be shorter than or equal to 60 seconds
			STOMPBOX_JWT_SECRET              | short | must be at least 32 bytes
			""")
	void badValueStopsStartUpNamingTheSetting(String variable, String value, String reason) {
		withEnvironmentVariables(Map.of(variable, value)).run((context) -> {
			assertThat(context).hasFailed();
			String messages = messagesOf(context.getStartupFailure());
			assertThat(messages).contains(reason);
			assertThat(messages).containsAnyOf(variable, propertyOf(variable), fieldOf(variable));
		});
	}

	/**
	 * A negative TTL or timeout has no meaning: kept history, for one, would be swept at
	 * once.
	 */
	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			STOMPBOX_HISTORY_TTL      | -1h
			STOMPBOX_PRESENCE_TIMEOUT | -5s
			""")
	void negativeDurationStopsStartUp(String variable, String value) {
		withEnvironmentVariables(Map.of(variable, value)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messagesOf(context.getStartupFailure())).containsAnyOf(variable, propertyOf(variable),
					fieldOf(variable));
		});
	}

	@Test
	void secretAndJwksUriTogetherStopStartUp() {
		Map<String, Object> env = Map.of("STOMPBOX_JWT_SECRET", TestTokens.SECRET, "STOMPBOX_JWT_JWKS_URI",
				"https://issuer.example/jwks");
		withEnvironmentVariables(env).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messagesOf(context.getStartupFailure())).contains("STOMPBOX_JWT_SECRET")
				.contains("STOMPBOX_JWT_JWKS_URI");
		});
	}

	/**
	 * The whole application, as {@code java -jar} would start it with these variables.
	 */
	@Test
	void applicationStartsOnThePortAndWithTheSettingsOfItsVariables() throws IOException {
		int port = freePort();
		Map<String, Object> env = Map.of("PORT", String.valueOf(port), "STOMPBOX_JWT_SECRET", TestTokens.SECRET,
				"STOMPBOX_INSTANCE_ID", "env-instance", "STOMPBOX_MAX_CONNECTIONS", "5");
		try (ConfigurableApplicationContext context = application(env).run()) {
			assertThat(((WebServerApplicationContext) context).getWebServer().getPort()).isEqualTo(port);
			assertThat(context.getBean(InstanceId.class).value()).isEqualTo("env-instance");
			assertThat(context.getBean(ConnectionProperties.class).maxConnections()).isEqualTo(5);
			assertThat(context.getBean(JwtProperties.class).hasKey()).isTrue();
		}
	}

	/**
	 * What an operator reads when start-up stops: Boot's failure report names variable
	 * and reason.
	 */
	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			STOMPBOX_MAX_CONNECTIONS | 0     | must be greater than or equal to 1
			STOMPBOX_MAX_FRAME_SIZE  | 10    | must be between 1024 and 16777216 bytes
			STOMPBOX_JWT_SECRET      | short | must be at least 32 bytes
			STOMPBOX_JWT_SECRET      | change-me-to-a-random-value-of-at-least-32-bytes | is an example value
			STOMPBOX_JWT_SECRET      | change-me-to-32-bytes-or-more-please | is an example value
			STOMPBOX_JWT_SECRET      | please-CHANGEME-before-going-live-0123456789 | is an example value
			""")
	void badValueStopsTheApplicationWithAReportNamingTheVariable(String variable, String value, String reason,
			CapturedOutput output) {
		Map<String, Object> env = new HashMap<>(Map.of("PORT", "0", "STOMPBOX_JWT_SECRET", TestTokens.SECRET));
		env.put(variable, value);
		assertThatException().isThrownBy(() -> application(env).run().close());
		assertThat(output).contains("APPLICATION FAILED TO START").contains(variable).contains(reason);
	}

	/**
	 * PROTOCOL.md section 2: a missing key never means demo mode. The report names the
	 * variables to set.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					no key, no demo          |                                  |      | STOMPBOX_JWT_SECRET nor STOMPBOX_JWT_JWKS_URI
					blank key, no demo       | '  '                             |      | STOMPBOX_JWT_SECRET nor STOMPBOX_JWT_JWKS_URI
					no key, demo false       |                                  | false| STOMPBOX_JWT_SECRET nor STOMPBOX_JWT_JWKS_URI
					""")
	void applicationWithoutAKeyDoesNotStart(String description, String secret, String demo, String reason,
			CapturedOutput output) {
		Map<String, Object> env = new HashMap<>(Map.of("PORT", "0"));
		if (secret != null) {
			env.put("STOMPBOX_JWT_SECRET", secret);
		}
		if (demo != null) {
			env.put("STOMPBOX_DEMO", demo);
		}
		assertThatException().isThrownBy(() -> application(env).run().close());
		assertThat(output).contains("APPLICATION FAILED TO START").contains(reason).contains("STOMPBOX_DEMO");
	}

	@Test
	void applicationStartsInDemoModeOnlyWhenAskedTo() throws Exception {
		Map<String, Object> env = Map.of("PORT", "0", "STOMPBOX_DEMO", "true");
		try (ConfigurableApplicationContext context = application(env).run()) {
			assertThat(demoTokenStatus(context)).isEqualTo(200);
		}
		Map<String, Object> withKey = Map.of("PORT", "0", "STOMPBOX_DEMO", "true", "STOMPBOX_JWT_SECRET",
				TestTokens.SECRET);
		try (ConfigurableApplicationContext context = application(withKey).run()) {
			assertThat(demoTokenStatus(context)).as("a key wins: nobody gets a token it did not sign").isEqualTo(404);
		}
	}

	private static int demoTokenStatus(ConfigurableApplicationContext context) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/auth/demo-token"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"alice\"}"))
				.build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private ApplicationContextRunner withEnvironmentVariables(Map<String, Object> env) {
		return this.runner.withInitializer((context) -> useEnvironmentVariables(context.getEnvironment(), env));
	}

	private static SpringApplicationBuilder application(Map<String, Object> env) {
		StandardServletEnvironment environment = new StandardServletEnvironment();
		useEnvironmentVariables(environment, env);
		return new SpringApplicationBuilder(StompboxApplication.class).environment(environment)
			.web(WebApplicationType.SERVLET);
	}

	/** Replaces the real environment variables, so none of the machine's can leak in. */
	private static void useEnvironmentVariables(ConfigurableEnvironment environment, Map<String, Object> env) {
		environment.getPropertySources()
			.replace(SYSTEM_ENVIRONMENT, new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, env));
	}

	/**
	 * {@code server.port} as {@code application.yaml} resolves it for these variables.
	 */
	private static int serverPort(Map<String, Object> env) {
		StandardEnvironment environment = new StandardEnvironment();
		useEnvironmentVariables(environment, env);
		ConfigDataEnvironmentPostProcessor.applyTo(environment);
		return Binder.get(environment).bind("server.port", Integer.class).get();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String messagesOf(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause).append('\n');
		}
		return messages.toString();
	}

	/**
	 * {@code STOMPBOX_MAX_CONNECTIONS} to {@code stompbox.max-connections}, as
	 * documented.
	 */
	private static String propertyOf(String variable) {
		String lower = variable.toLowerCase();
		for (String group : new String[] { "stompbox_jwt_", "stompbox_history_", "stompbox_presence_" }) {
			if (lower.startsWith(group)) {
				return group.replace('_', '.') + lower.substring(group.length()).replace('_', '-');
			}
		}
		return "stompbox." + lower.substring("stompbox_".length()).replace('_', '-');
	}

	/**
	 * {@code STOMPBOX_MAX_CONNECTIONS} to the record component {@code maxConnections}.
	 */
	private static String fieldOf(String variable) {
		String property = propertyOf(variable);
		String last = property.substring(property.lastIndexOf('.') + 1);
		StringBuilder field = new StringBuilder();
		boolean upper = false;
		for (char c : last.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				field.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return "'" + field + "'";
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ ConnectionProperties.class, JwtProperties.class, HistoryProperties.class,
			PresenceProperties.class, InstanceProperties.class, DedupeProperties.class, DemoProperties.class })
	static class EveryProperties {

	}

}
