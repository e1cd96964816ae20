package dev.stompbox.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.knative.serving.v1.RevisionSpec;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s/cloudrun/service.yaml} (Knative serving v1, for {@code gcloud run services replace})
 * has the values issue 4 asks for. That the probe paths answer on the running application is
 * {@link ManifestProbesIntegrationTests}' part.
 */
class CloudRunServiceTests {

	/** Cloud Run's longest request: a WebSocket is one request, cut at this. */
	private static final long CLOUD_RUN_REQUEST_LIMIT_SECONDS = 3600;

	/** PROTOCOL.md section 10's default for {@code STOMPBOX_MAX_CONNECTION_LIFETIME}. */
	private static final Duration DEFAULT_MAX_CONNECTION_LIFETIME = Duration.ofMinutes(55);

	private final Service service = Manifests.cloudRun();

	private final RevisionSpec revision = this.service.getSpec().getTemplate().getSpec();

	/** Revision settings are annotations of the template, not of the service. */
	private final Map<String, String> annotations = this.service.getSpec().getTemplate().getMetadata().getAnnotations();

	private final Container container = Manifests.container(this.service);

	@Test
	void isAKnativeServingV1Service() {
		assertThat(this.service.getApiVersion()).isEqualTo("serving.knative.dev/v1");
		assertThat(this.service.getKind()).isEqualTo("Service");
		assertThat(this.service.getMetadata().getName()).isNotBlank();
	}

	@Test
	void requestTimeoutIsCloudRunsLongestAndAnInstanceTakesAThousandConnections() {
		assertThat(this.revision.getTimeoutSeconds()).isEqualTo(CLOUD_RUN_REQUEST_LIMIT_SECONDS);
		assertThat(this.revision.getContainerConcurrency()).isEqualTo(1000);
	}

	@Test
	void sessionAffinityCpuAlwaysAllocatedAndStartupCpuBoost() {
		assertThat(this.annotations).containsEntry("run.googleapis.com/sessionAffinity", "true")
			.containsEntry("run.googleapis.com/cpu-throttling", "false")
			.containsEntry("run.googleapis.com/startup-cpu-boost", "true");
	}

	@Test
	void minAndMaxInstancesAreSetAndInOrder() {
		assertThat(this.annotations).containsKeys("autoscaling.knative.dev/minScale",
				"autoscaling.knative.dev/maxScale");
		int min = Integer.parseInt(this.annotations.get("autoscaling.knative.dev/minScale"));
		int max = Integer.parseInt(this.annotations.get("autoscaling.knative.dev/maxScale"));
		assertThat(min).isNotNegative().isLessThanOrEqualTo(max);
		assertThat(max).isPositive();
	}

	/** Memorystore has only a private address: egress goes through the VPC, directly or by a connector. */
	@Test
	void egressReachesTheVpc() {
		assertThat(this.annotations.get("run.googleapis.com/vpc-access-egress")).isIn("private-ranges-only",
				"all-traffic");
		String networkInterfaces = this.annotations.getOrDefault("run.googleapis.com/network-interfaces", "");
		String connector = this.annotations.getOrDefault("run.googleapis.com/vpc-access-connector", "");
		assertThat(networkInterfaces + connector).as("direct VPC egress (network-interfaces) or a connector")
			.isNotBlank();
	}

	@Test
	void redisUrlAndJwtSecretComeFromSecretManager() {
		for (String name : List.of("REDIS_URL", "STOMPBOX_JWT_SECRET")) {
			EnvVar env = Manifests.env(this.container, name)
				.orElseThrow(() -> new AssertionError(name + " is not set"));
			assertThat(env.getValue()).as("plain value of %s", name).isNull();
			assertThat(env.getValueFrom()).as("valueFrom of %s", name).isNotNull();
			assertThat(env.getValueFrom().getSecretKeyRef()).as("secretKeyRef of %s", name).isNotNull();
			assertThat(env.getValueFrom().getSecretKeyRef().getName()).as("secret of %s", name).isNotBlank();
			// Cloud Run reads the key as the secret's version: a number or "latest".
			assertThat(env.getValueFrom().getSecretKeyRef().getKey()).as("version of %s", name)
				.matches("latest|[1-9][0-9]*");
		}
	}

	/** Cloud Run sets PORT itself, to the container port, and refuses a service that sets it. */
	@Test
	void portIsLeftToCloudRun() {
		assertThat(Manifests.env(this.container, "PORT")).isEmpty();
		assertThat(Manifests.port(this.container).getName()).as("port name (http1: WebSocket needs HTTP/1.1)")
			.isEqualTo("http1");
	}

	@Test
	void startupAndLivenessProbeTheLivenessGroupOnTheContainerPort() {
		assertThat(KubernetesManifestsTests.httpPath(this.container.getStartupProbe()))
			.isEqualTo("/actuator/health/liveness");
		assertThat(KubernetesManifestsTests.httpPath(this.container.getLivenessProbe()))
			.isEqualTo("/actuator/health/liveness");
		int containerPort = Manifests.port(this.container).getContainerPort();
		for (Probe probe : KubernetesManifestsTests.probes(this.container)) {
			if (probe.getHttpGet().getPort() != null) {
				assertThat(probe.getHttpGet().getPort().getIntVal()).as("port of the probe on %s",
						probe.getHttpGet().getPath())
					.isEqualTo(containerPort);
			}
		}
	}

	/**
	 * The application asks each client to reconnect before its connection's lifetime ends, and
	 * that must come before Cloud Run cuts the request.
	 */
	@Test
	void connectionLifetimeEndsBeforeTheRequestTimeout() {
		Duration lifetime = Manifests.env(this.container, "STOMPBOX_MAX_CONNECTION_LIFETIME")
			.map((env) -> DurationStyle.detectAndParse(env.getValue()))
			.orElse(DEFAULT_MAX_CONNECTION_LIFETIME);
		assertThat(lifetime).isLessThan(Duration.ofSeconds(this.revision.getTimeoutSeconds()));
	}

	/**
	 * Cloud Run stops sending an instance connections at {@code containerConcurrency}; a lower
	 * cap in the application would refuse connections Cloud Run has already routed to it.
	 */
	@Test
	void applicationConnectionCapIsNotBelowTheContainerConcurrency() {
		Manifests.env(this.container, "STOMPBOX_MAX_CONNECTIONS")
			.ifPresent((env) -> assertThat(Long.parseLong(env.getValue()))
				.isGreaterThanOrEqualTo(this.revision.getContainerConcurrency()));
	}

}
