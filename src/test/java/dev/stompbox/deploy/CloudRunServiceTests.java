package dev.stompbox.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.knative.serving.v1.RevisionSpec;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s/cloudrun/service.yaml} (Knative serving v1, for
 * {@code gcloud run services replace}) has the values issue 4 asks for. That the probe
 * paths answer on the running application is {@link ManifestProbesIntegrationTests}'
 * part.
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

	/**
	 * Memorystore has only a private address: egress goes through the VPC, directly or by
	 * a connector.
	 */
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
		}
	}

	/**
	 * Cloud Run reads a secretKeyRef's key as the secret's version. A number, not
	 * "latest": a new version then reaches the service only with a new revision that
	 * names it, and a rollback keeps the version it ran with.
	 */
	@Test
	void everySecretVersionIsPinned() {
		List<EnvVar> fromSecrets = this.container.getEnv()
			.stream()
			.filter((env) -> env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null)
			.toList();
		assertThat(fromSecrets).isNotEmpty()
			.allSatisfy((env) -> assertThat(env.getValueFrom().getSecretKeyRef().getKey())
				.as("version of the secret of %s", env.getName())
				.matches("[1-9][0-9]*"));
	}

	/**
	 * Memorystore with in-transit encryption presents a certificate of its own CA:
	 * REDIS_URL is rediss:// and the Redis connection trusts that CA through an SSL
	 * bundle whose PEM comes from Secret Manager ({@code RedisTlsIntegrationTests} starts
	 * the application that way).
	 */
	@Test
	void redisConnectionTrustsMemorystoresCaThroughAnSslBundle() {
		String bundle = Manifests.env(this.container, "SPRING_DATA_REDIS_SSL_BUNDLE")
			.map(EnvVar::getValue)
			.orElseThrow(() -> new AssertionError("SPRING_DATA_REDIS_SSL_BUNDLE is not set"));
		String certificate = "SPRING_SSL_BUNDLE_PEM_" + bundle.toUpperCase(Locale.ROOT) + "_TRUSTSTORE_CERTIFICATE";
		EnvVar ca = Manifests.env(this.container, certificate)
			.orElseThrow(() -> new AssertionError(certificate + " is not set"));
		assertThat(ca.getValueFrom().getSecretKeyRef().getName()).as("secret of %s", certificate).isNotBlank();
		assertThat(Manifests.text(Manifests.CLOUD_RUN)).contains("rediss://");
	}

	/** Browsers reach the page and the WebSocket without a Google identity. */
	@Test
	void serviceIsPublic() {
		assertThat(this.service.getMetadata().getAnnotations()).containsEntry("run.googleapis.com/invoker-iam-disabled",
				"true");
	}

	/**
	 * Its own identity, granted the three secrets (docs/operations.md), not the default
	 * account.
	 */
	@Test
	void revisionRunsAsADedicatedServiceAccount() {
		assertThat(this.revision.getServiceAccountName())
			.matches("[a-z][a-z0-9-]{4,28}[a-z0-9]@\\$\\{PROJECT_ID}\\.iam\\.gserviceaccount\\.com")
			.doesNotContain("compute@developer");
	}

	/**
	 * The image is the one docker/cloudbuild.yaml pushes, with placeholders that only
	 * envsubst fills (the command in the file's header names each of them); unfilled,
	 * {@code ${REGION}} is no valid image reference and Cloud Run refuses the service.
	 */
	@Test
	void imageIsTheOneCloudBuildPushesWithPlaceholdersEnvsubstFills() {
		String pushed = String
			.valueOf(KustomizationTests.strings(Manifests.tree(Manifests.CLOUD_BUILD).get("images")).getFirst());
		assertThat(this.container.getImage())
			.isEqualTo(pushed.replace("${_REGION}", "${REGION}").replace("${_IMAGE_TAG}", "${IMAGE_TAG}"));
		Set<String> placeholders = new TreeSet<>();
		Matcher placeholder = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(Manifests.text(Manifests.CLOUD_RUN));
		while (placeholder.find()) {
			placeholders.add(placeholder.group(1));
		}
		assertThat(placeholders).containsExactlyInAnyOrder("PROJECT_ID", "REGION", "IMAGE_TAG");
		String envsubst = Manifests.text(Manifests.CLOUD_RUN)
			.lines()
			.filter((line) -> line.contains("envsubst '"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no envsubst command in " + Manifests.CLOUD_RUN));
		placeholders.forEach((name) -> assertThat(envsubst).contains("$" + name));
	}

	/**
	 * Cloud Run sets PORT itself, to the container port, and refuses a service that sets
	 * it.
	 */
	@Test
	void portIsLeftToCloudRun() {
		assertThat(Manifests.env(this.container, "PORT")).isEmpty();
		assertThat(Manifests.port(this.container).getName()).as("port name (http1: WebSocket needs HTTP/1.1)")
			.isEqualTo("http1");
	}

	/**
	 * Traffic only once the instance is ready (in cluster mode: Redis answers); liveness
	 * after that. Cloud Run probes the container port only.
	 */
	@Test
	void startupProbesReadinessAndLivenessProbesLivenessOnTheContainerPort() {
		assertThat(KubernetesManifestsTests.httpPath(this.container.getStartupProbe()))
			.isEqualTo("/actuator/health/readiness");
		assertThat(KubernetesManifestsTests.httpPath(this.container.getLivenessProbe()))
			.isEqualTo("/actuator/health/liveness");
		int containerPort = Manifests.port(this.container).getContainerPort();
		for (Probe probe : KubernetesManifestsTests.probes(this.container)) {
			if (probe.getHttpGet().getPort() != null) {
				assertThat(probe.getHttpGet().getPort().getIntVal())
					.as("port of the probe on %s", probe.getHttpGet().getPath())
					.isEqualTo(containerPort);
			}
		}
	}

	/**
	 * The build that makes the image: the Dockerfile, from the repository root, pushed.
	 * Processed by Spring AOT for actuator on the service's port unless asked otherwise:
	 * the service sets no management port, and an image processed for one would refuse to
	 * start.
	 */
	@Test
	void cloudBuildBuildsTheDockerfileFromTheRepositoryRootAndPushesTheImage() {
		Map<String, Object> build = Manifests.tree(Manifests.CLOUD_BUILD);
		List<Map<String, Object>> steps = KustomizationTests.maps(build.get("steps"));
		assertThat(steps).hasSize(1);
		List<String> args = KustomizationTests.strings(steps.getFirst().get("args"));
		String image = KustomizationTests.strings(build.get("images")).getFirst();
		assertThat(args).containsExactly("build", "--file=" + Manifests.DOCKERFILE, "--tag=" + image,
				"--build-arg=MANAGEMENT_SERVER_PORT=${_MANAGEMENT_SERVER_PORT}", ".");
		assertThat(KustomizationTests.strings(steps.getFirst().get("env"))).contains("DOCKER_BUILDKIT=1");
		assertThat(image).startsWith("${_REGION}-docker.pkg.dev/${PROJECT_ID}/").doesNotContain(":latest");
		assertThat(KustomizationTests.map(build.get("substitutions"))).containsEntry("_MANAGEMENT_SERVER_PORT", "");
		assertThat(Manifests.env(this.container, "MANAGEMENT_SERVER_PORT")).isEmpty();
	}

	/**
	 * The application asks each client to reconnect before its connection's lifetime
	 * ends, and that must come before Cloud Run cuts the request.
	 */
	/**
	 * Cloud Run sets K_REVISION, the default revision; clients leave an old revision soon
	 * after a deploy.
	 */
	@Test
	void clientsMoveToTheNewRevisionAndToInstancesOfAScaleOut() {
		assertThat(Manifests.env(this.container, "STOMPBOX_REBALANCE").map(EnvVar::getValue)).contains("revision,load");
		assertThat(Manifests.env(this.container, "STOMPBOX_REVISION")).as("K_REVISION, set by Cloud Run").isEmpty();
	}

	@Test
	void connectionLifetimeEndsBeforeTheRequestTimeout() {
		Duration lifetime = Manifests.env(this.container, "STOMPBOX_MAX_CONNECTION_LIFETIME")
			.map((env) -> DurationStyle.detectAndParse(env.getValue()))
			.orElse(DEFAULT_MAX_CONNECTION_LIFETIME);
		assertThat(lifetime).isLessThan(Duration.ofSeconds(this.revision.getTimeoutSeconds()));
	}

	/**
	 * Cloud Run stops sending an instance connections at {@code containerConcurrency}; a
	 * lower cap in the application would refuse connections Cloud Run has already routed
	 * to it.
	 */
	@Test
	void applicationConnectionCapIsNotBelowTheContainerConcurrency() {
		Manifests.env(this.container, "STOMPBOX_MAX_CONNECTIONS")
			.ifPresent((env) -> assertThat(Long.parseLong(env.getValue()))
				.isGreaterThanOrEqualTo(this.revision.getContainerConcurrency()));
	}

}
