package dev.stompbox.instance;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A jar processed by Spring AOT starts only configured as it was processed: its beans
 * were chosen then.
 */
class ProcessedModeTests {

	@Test
	void startConfiguredAsProcessedPasses() {
		MockEnvironment cluster = new MockEnvironment().withProperty("REDIS_URL", "redis://redis:6379");
		assertThatNoException().isThrownBy(() -> ProcessedMode.verify(cluster, Mode.CLUSTER, ManagementPortType.SAME));
		MockEnvironment clusterWithManagementPort = new MockEnvironment()
			.withProperty("REDIS_URL", "redis://redis:6379")
			.withProperty("management.server.port", "8081");
		assertThatNoException().isThrownBy(
				() -> ProcessedMode.verify(clusterWithManagementPort, Mode.CLUSTER, ManagementPortType.DIFFERENT));
	}

	@Test
	void clusterBuildWithoutRedisIsRefusedNamingTheVariable() {
		ProcessedModeMismatchException failure = catchThrowableOfType(ProcessedModeMismatchException.class,
				() -> ProcessedMode.verify(new MockEnvironment(), Mode.CLUSTER, ManagementPortType.SAME));
		assertThat(failure).hasMessageContaining("for cluster mode (REDIS_URL set)")
			.hasMessageContaining("started for single-node mode (no REDIS_URL)")
			.hasMessageNotContaining("actuator");
	}

	@Test
	void singleNodeBuildWithRedisIsRefused() {
		MockEnvironment cluster = new MockEnvironment().withProperty("REDIS_URL", "redis://redis:6379");
		assertThat(catchThrowableOfType(ProcessedModeMismatchException.class,
				() -> ProcessedMode.verify(cluster, Mode.SINGLE_NODE, ManagementPortType.SAME)))
			.hasMessageContaining("for single-node mode (no REDIS_URL)")
			.hasMessageContaining("started for cluster mode (REDIS_URL set)");
	}

	/**
	 * Actuator would stay on the application's port, open to the internet, with the
	 * details meant for a port of its own.
	 */
	@Test
	void buildForTheApplicationsPortStartedWithAManagementPortIsRefused() {
		MockEnvironment environment = new MockEnvironment().withProperty("REDIS_URL", "redis://redis:6379")
			.withProperty("management.server.port", "8081");
		assertThat(catchThrowableOfType(ProcessedModeMismatchException.class,
				() -> ProcessedMode.verify(environment, Mode.CLUSTER, ManagementPortType.SAME)))
			.hasMessageContaining("for actuator on the application's port (no MANAGEMENT_SERVER_PORT)")
			.hasMessageContaining("started for actuator on a port of its own (MANAGEMENT_SERVER_PORT set)")
			.hasMessageNotContaining("REDIS_URL");
	}

	@Test
	void failureAnalyzerIsRegisteredAndSaysHowToStartAnyway() {
		ProcessedModeMismatchException failure = catchThrowableOfType(ProcessedModeMismatchException.class,
				() -> ProcessedMode.verify(new MockEnvironment(), Mode.CLUSTER, ManagementPortType.SAME));
		FailureAnalyzer analyzer = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.none(),
					// Boot's own analyzers that need a bean factory are not what is
					// checked.
					SpringFactoriesLoader.FailureHandler.handleMessage((message, ignored) -> {
					}))
			.stream()
			.filter(ProcessedModeFailureAnalyzer.class::isInstance)
			.findFirst()
			.orElseThrow();
		FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("start failed", failure));
		assertThat(analysis.getDescription()).isEqualTo(failure.getMessage());
		assertThat(analysis.getAction()).contains("JDK_JAVA_OPTIONS=-Dspring.aot.enabled=false");
	}

}
