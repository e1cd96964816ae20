package dev.stompbox.deploy;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Deployment's probes against the application started as the Deployment starts it,
 * with a management port of its own (MANAGEMENT_SERVER_PORT; here a free one): every
 * probe's path answers 200 UP on the port the probe names, and the actuator is not on the
 * application's port, the only one the Service exposes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { TestTokens.SECRET_PROPERTY,
		"stompbox.instance-id=deployment-probes", "management.server.port=0" })
class DeploymentProbesIntegrationTests {

	private final Container container = Manifests.container(Manifests.deployment());

	@LocalServerPort
	int serverPort;

	@LocalManagementPort
	int managementPort;

	@Test
	void everyProbeIsAnsweredUpOnThePortItNames() {
		assertThat(this.managementPort).isNotEqualTo(this.serverPort);
		assertThat(KubernetesManifestsTests.probes(this.container)).hasSize(3).allSatisfy((probe) -> {
			String portName = probe.getHttpGet().getPort().getStrVal();
			int port = switch (portName) {
				case KubernetesManifestsTests.MANAGEMENT_PORT_NAME -> this.managementPort;
				case KubernetesManifestsTests.HTTP_PORT_NAME -> this.serverPort;
				default -> throw new AssertionError("probe on an unknown port " + portName);
			};
			ManifestProbesIntegrationTests.assertUp(KubernetesManifestsTests.httpPath(probe), port);
		});
		ManifestProbesIntegrationTests.assertUp("/actuator/health", this.managementPort);
		assertThat(ManifestProbesIntegrationTests.get("/actuator/prometheus", this.managementPort).statusCode())
			.isEqualTo(200);
	}

	/** Health details and metrics stay off the port the Service exposes. */
	@Test
	void actuatorIsNotOnTheApplicationPort() {
		for (String path : new String[] { "/actuator/health", "/actuator/health/readiness", "/actuator/prometheus" }) {
			assertThat(ManifestProbesIntegrationTests.get(path, this.serverPort).statusCode()).as("GET %s", path)
				.isEqualTo(404);
		}
	}

	/**
	 * The variables the Deployment sets put the application on the container ports it
	 * declares: PORT on {@code http}, MANAGEMENT_SERVER_PORT on {@code management}.
	 */
	@Test
	void deploymentVariablesPutTheApplicationOnTheDeclaredPorts() {
		ContainerPort http = Manifests.port(this.container, KubernetesManifestsTests.HTTP_PORT_NAME);
		ContainerPort management = Manifests.port(this.container, KubernetesManifestsTests.MANAGEMENT_PORT_NAME);
		Map<String, Object> env = Map.of("PORT", Manifests.env(this.container, "PORT").orElseThrow().getValue(),
				"MANAGEMENT_SERVER_PORT",
				Manifests.env(this.container, "MANAGEMENT_SERVER_PORT").orElseThrow().getValue());
		assertThat(ManifestProbesIntegrationTests.property("server.port", env)).isEqualTo(http.getContainerPort());
		assertThat(ManifestProbesIntegrationTests.property("management.server.port", env))
			.isEqualTo(management.getContainerPort());
		for (Probe probe : KubernetesManifestsTests.probes(this.container)) {
			assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(management.getName());
		}
	}

}
