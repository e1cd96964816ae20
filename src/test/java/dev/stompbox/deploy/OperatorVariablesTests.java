package dev.stompbox.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.stompbox.StompboxApplication;
import dev.stompbox.instance.Mode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment variables the deploy files set are the ones PROTOCOL.md section 10
 * defines, each of those reaches a real setting of the application, and the values the
 * files give are ones the application accepts.
 */
class OperatorVariablesTests {

	/**
	 * The names of PROTOCOL.md section 10, kept here because a clone of this repository
	 * alone must be able to run the tests; a change to that table changes this list.
	 */
	static final Set<String> SECTION_10 = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("PORT", "REDIS_URL",
			"STOMPBOX_JWT_SECRET", "STOMPBOX_JWT_JWKS_URI", "STOMPBOX_JWT_ISSUER", "STOMPBOX_JWT_AUDIENCE",
			"STOMPBOX_JWT_CLOCK_SKEW", "STOMPBOX_ALLOWED_ORIGINS", "STOMPBOX_MAX_CONNECTIONS",
			"STOMPBOX_MAX_CONNECTION_LIFETIME", "STOMPBOX_MAX_FRAME_SIZE", "STOMPBOX_RATE_LIMIT",
			"STOMPBOX_HISTORY_SIZE", "STOMPBOX_HISTORY_TTL", "STOMPBOX_PRESENCE_TIMEOUT", "STOMPBOX_INSTANCE_ID",
			"STOMPBOX_DEMO", "STOMPBOX_CONNECT_TIMEOUT", "STOMPBOX_MAX_SUBSCRIPTIONS", "STOMPBOX_MAX_ROOMS",
			"STOMPBOX_MAX_CONNECTIONS_PER_USER", "STOMPBOX_PRESENCE_LIST_LIMIT", "STOMPBOX_RECOVERY_LIMIT",
			"STOMPBOX_REVISION", "STOMPBOX_REBALANCE", "STOMPBOX_REBALANCE_WINDOW")));

	/**
	 * Variables beyond section 10 the deploy files may set: Spring Boot's own settings
	 * (to the property each must reach) and the JVM launcher's (no property).
	 */
	static final Map<String, String> PLATFORM_VARIABLES = Map.of("MANAGEMENT_SERVER_PORT", "management.server.port",
			"SPRING_DATA_REDIS_SSL_BUNDLE", "spring.data.redis.ssl.bundle",
			"SPRING_SSL_BUNDLE_PEM_REDIS_TRUSTSTORE_CERTIFICATE", "spring.ssl.bundle.pem.redis.truststore.certificate",
			"JDK_JAVA_OPTIONS", "");

	private static final String SYSTEM_ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void everyVariableTheDeployFilesSetIsOneThatSection10Defines() {
		Map<String, Set<String>> undefined = new LinkedHashMap<>();
		variablesByFile().forEach((file, variables) -> {
			Set<String> names = new TreeSet<>(variables.keySet());
			names.removeAll(SECTION_10);
			names.removeAll(PLATFORM_VARIABLES.keySet());
			if (!names.isEmpty()) {
				undefined.put(file, names);
			}
		});
		assertThat(undefined).as("variables that PROTOCOL.md section 10 does not define, by file").isEmpty();
	}

	/** Each Spring Boot variable the files set reaches the property it is meant for. */
	@Test
	void everySpringBootVariableReachesItsProperty() {
		PLATFORM_VARIABLES.forEach((variable, property) -> {
			if (!property.isEmpty()) {
				StandardEnvironment environment = environment(Map.of(variable, "set-by-" + variable));
				assertThat(Binder.get(environment).bind(property, String.class).orElse(null))
					.as("%s from %s", property, variable)
					.isEqualTo("set-by-" + variable);
			}
		});
	}

	@Test
	void everyStompboxVariableOfSection10BindsToAPropertyInTheApplicationsMetadata() {
		Set<String> properties = stompboxPropertiesFromMetadata();
		for (String variable : SECTION_10) {
			if (!variable.startsWith("STOMPBOX_")) {
				continue;
			}
			ConfigurationPropertySource source = ConfigurationPropertySource
				.from(new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, Map.of(variable, "set")));
			List<String> bound = properties.stream()
				.filter((property) -> source.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null)
				.toList();
			assertThat(bound).as("properties of the application that %s sets by relaxed binding", variable).hasSize(1);
		}
	}

	@Test
	void portVariableSetsTheServerPortThroughApplicationYaml() {
		StandardEnvironment environment = environment(Map.of("PORT", "9097"));
		ConfigDataEnvironmentPostProcessor.applyTo(environment);
		assertThat(Binder.get(environment).bind("server.port", Integer.class).get()).isEqualTo(9097);
	}

	/**
	 * {@code REDIS_URL} goes through the application's own environment post-processor.
	 */
	@Test
	void redisUrlVariableConfiguresSpringDataRedisAndClusterMode() {
		String url = "redis://:secret@redis.example:6390/2";
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(NoBeans.class)
			.environment(environment(Map.of("REDIS_URL", url)))
			.web(WebApplicationType.NONE)
			.run()) {
			assertThat(context.getEnvironment().getProperty("spring.data.redis.url")).isEqualTo(url);
			assertThat(Mode.of(context.getEnvironment())).isEqualTo(Mode.CLUSTER);
		}
	}

	/**
	 * The values in the files, given as variables, start every settings record of the
	 * application; all but the example Secret's, which must not.
	 */
	@Test
	void theValuesEachDeployFileSetsAreOnesTheApplicationAccepts() {
		variablesByFile().forEach((file, variables) -> {
			if (file.equals(Manifests.SECRET.toString())) {
				return;
			}
			Map<String, Object> env = stompboxValues(variables);
			new ApplicationContextRunner().withUserConfiguration(EverySettingsRecord.class)
				.withInitializer((context) -> useEnvironmentVariables(context.getEnvironment(), env))
				.run((context) -> assertThat(context).as("settings of %s: %s", file, env).hasNotFailed());
		});
	}

	/**
	 * Applied by mistake all the same, the example Secret stops the server, naming the
	 * key.
	 */
	@Test
	void theExampleSecretsKeyIsRefused() {
		Map<String, Object> env = stompboxValues(variablesByFile().get(Manifests.SECRET.toString()));
		assertThat(env).containsKey("STOMPBOX_JWT_SECRET");
		new ApplicationContextRunner().withUserConfiguration(EverySettingsRecord.class)
			.withInitializer((context) -> useEnvironmentVariables(context.getEnvironment(), env))
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("STOMPBOX_JWT_SECRET"));
	}

	private static Map<String, Object> stompboxValues(Map<String, String> variables) {
		Map<String, Object> env = new LinkedHashMap<>();
		variables.forEach((name, value) -> {
			if (value != null && name.startsWith("STOMPBOX_")) {
				env.put(name, value);
			}
		});
		return env;
	}

	/**
	 * Variable name to value (null when the value comes from elsewhere: a secret, a field
	 * of the pod) for every variable each file sets.
	 */
	static Map<String, Map<String, String>> variablesByFile() {
		Map<String, Map<String, String>> byFile = new LinkedHashMap<>();
		byFile.put(Manifests.DEPLOYMENT.toString(), variables(Manifests.container(Manifests.deployment())));
		byFile.put(Manifests.CONFIG_MAP.toString(), new LinkedHashMap<>(Manifests.configMap().getData()));
		byFile.put(Manifests.SECRET.toString(), secretVariables(Manifests.secret()));
		byFile.put(Manifests.CLOUD_RUN.toString(), variables(Manifests.container(Manifests.cloudRun())));
		Manifests.compose()
			.services()
			.forEach((name, service) -> byFile.put(Manifests.COMPOSE + " " + name, service.environment()));
		return byFile;
	}

	private static Map<String, String> variables(Container container) {
		Map<String, String> variables = new LinkedHashMap<>();
		for (EnvVar env : container.getEnv()) {
			variables.put(env.getName(), env.getValue());
		}
		return variables;
	}

	private static Map<String, String> secretVariables(Secret secret) {
		Map<String, String> variables = new LinkedHashMap<>();
		if (secret.getStringData() != null) {
			variables.putAll(secret.getStringData());
		}
		if (secret.getData() != null) {
			secret.getData().keySet().forEach((name) -> variables.put(name, null));
		}
		return variables;
	}

	/**
	 * The {@code stompbox.*} properties the configuration processor found in the
	 * application's {@code @ConfigurationProperties} records.
	 */
	private static Set<String> stompboxPropertiesFromMetadata() {
		ObjectMapper json = new ObjectMapper();
		Set<String> properties = new TreeSet<>();
		try {
			List<URL> files = Collections.list(OperatorVariablesTests.class.getClassLoader().getResources(METADATA));
			for (URL file : files) {
				try (InputStream in = file.openStream()) {
					for (JsonNode property : json.readTree(in).path("properties")) {
						String name = property.path("name").asText();
						if (name.startsWith("stompbox.")) {
							properties.add(name);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(properties)
			.as("stompbox.* properties in %s on the class path (does the configuration processor run?)", METADATA)
			.isNotEmpty();
		return properties;
	}

	/**
	 * An environment whose OS variables are exactly these, so none of the machine's leak
	 * in.
	 */
	private static StandardEnvironment environment(Map<String, Object> env) {
		StandardEnvironment environment = new StandardEnvironment();
		useEnvironmentVariables(environment, env);
		return environment;
	}

	private static void useEnvironmentVariables(ConfigurableEnvironment environment, Map<String, Object> env) {
		environment.getPropertySources()
			.replace(SYSTEM_ENVIRONMENT, new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, env));
	}

	@Configuration(proxyBeanMethods = false)
	@ConfigurationPropertiesScan(basePackageClasses = StompboxApplication.class)
	static class EverySettingsRecord {

	}

	@Configuration(proxyBeanMethods = false)
	static class NoBeans {

	}

}
