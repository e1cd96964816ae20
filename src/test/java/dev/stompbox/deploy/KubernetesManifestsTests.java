package dev.stompbox.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s/}: the Deployment, its Service, HPA and PodDisruptionBudget, and the ConfigMap and
 * Secret it reads, read into fabric8's models. That the probe paths answer on the running
 * application is {@link ManifestProbesIntegrationTests}' part.
 */
class KubernetesManifestsTests {

	/** The drain closes every session within this (issue 4: "exit within 8 s"). */
	static final long DRAIN_SECONDS = 8;

	private final Deployment deployment = Manifests.deployment();

	private final PodSpec pod = this.deployment.getSpec().getTemplate().getSpec();

	private final Container container = Manifests.container(this.deployment);

	@Test
	void everyManifestHasTheApiVersionAndKindItsModelIsFor() {
		assertThat(this.deployment.getApiVersion() + " " + this.deployment.getKind()).isEqualTo("apps/v1 Deployment");
		Service service = Manifests.service();
		assertThat(service.getApiVersion() + " " + service.getKind()).isEqualTo("v1 Service");
		HorizontalPodAutoscaler hpa = Manifests.hpa();
		assertThat(hpa.getApiVersion() + " " + hpa.getKind()).isEqualTo("autoscaling/v2 HorizontalPodAutoscaler");
		PodDisruptionBudget pdb = Manifests.pdb();
		assertThat(pdb.getApiVersion() + " " + pdb.getKind()).isEqualTo("policy/v1 PodDisruptionBudget");
		assertThat(Manifests.configMap().getApiVersion() + " " + Manifests.configMap().getKind())
			.isEqualTo("v1 ConfigMap");
		assertThat(Manifests.secret().getApiVersion() + " " + Manifests.secret().getKind()).isEqualTo("v1 Secret");
	}

	@Test
	void startupAndLivenessProbeTheLivenessGroupAndReadinessTheReadinessGroup() {
		assertThat(httpPath(this.container.getStartupProbe())).isEqualTo("/actuator/health/liveness");
		assertThat(httpPath(this.container.getLivenessProbe())).isEqualTo("/actuator/health/liveness");
		assertThat(httpPath(this.container.getReadinessProbe())).isEqualTo("/actuator/health/readiness");
	}

	@Test
	void probesUseTheNamedContainerPort() {
		String portName = Manifests.port(this.container).getName();
		assertThat(portName).isNotBlank();
		for (Probe probe : probes(this.container)) {
			assertThat(probe.getHttpGet().getPort().getStrVal()).as("port of the probe on %s", httpPath(probe))
				.isEqualTo(portName);
		}
	}

	/**
	 * SIGTERM comes after preStop, and the kubelet kills the container at the grace period,
	 * counted from the start of preStop: it has to cover the preStop pause and the whole drain.
	 */
	@Test
	void terminationGracePeriodCoversThePreStopPauseAndTheDrain() {
		LifecycleHandler preStop = this.container.getLifecycle().getPreStop();
		assertThat(preStop).as("preStop hook").isNotNull();
		long pause = preStopSeconds(preStop);
		assertThat(pause).as("preStop pause, for the endpoint removal to reach every proxy").isPositive();
		assertThat(this.pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(pause + DRAIN_SECONDS);
	}

	@Test
	void containerHasResourceRequestsAndAMemoryLimitAtLeastTheRequest() {
		Map<String, Quantity> requests = this.container.getResources().getRequests();
		Map<String, Quantity> limits = this.container.getResources().getLimits();
		assertThat(requests).containsKeys("cpu", "memory");
		assertThat(limits).containsKey("memory");
		assertThat(Manifests.bytes(limits.get("memory")))
			.isGreaterThanOrEqualTo(Manifests.bytes(requests.get("memory")));
		if (limits.containsKey("cpu")) {
			assertThat(limits.get("cpu").getNumericalAmount())
				.isGreaterThanOrEqualTo(requests.get("cpu").getNumericalAmount());
		}
	}

	@Test
	void containerRunsAsANonRootUserOnAReadOnlyRootFileSystem() {
		PodSecurityContext podContext = Optional.ofNullable(this.pod.getSecurityContext())
			.orElseGet(PodSecurityContext::new);
		SecurityContext containerContext = Optional.ofNullable(this.container.getSecurityContext())
			.orElseGet(SecurityContext::new);
		Boolean runAsNonRoot = Optional.ofNullable(containerContext.getRunAsNonRoot())
			.orElse(podContext.getRunAsNonRoot());
		Long runAsUser = Optional.ofNullable(containerContext.getRunAsUser()).orElse(podContext.getRunAsUser());
		assertThat(runAsNonRoot).as("runAsNonRoot").isTrue();
		assertThat(runAsUser).as("runAsUser").isNotNull().isNotZero();
		assertThat(containerContext.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
		assertThat(containerContext.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
	}

	/** Jetty's work directory and the JVM's perf data live in /tmp: with a read-only root it is a volume. */
	@Test
	void tmpIsAWritableEmptyDirVolume() {
		VolumeMount tmp = this.container.getVolumeMounts()
			.stream()
			.filter((mount) -> mount.getMountPath().equals("/tmp"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
		assertThat(tmp.getReadOnly()).as("readOnly of the /tmp mount").isNotEqualTo(Boolean.TRUE);
		Volume volume = this.pod.getVolumes()
			.stream()
			.filter((candidate) -> candidate.getName().equals(tmp.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume named " + tmp.getName()));
		assertThat(volume.getEmptyDir()).as("emptyDir of volume %s", volume.getName()).isNotNull();
	}

	@Test
	void deploymentSelectsItsOwnPods() {
		assertThat(this.deployment.getSpec().getTemplate().getMetadata().getLabels())
			.containsAllEntriesOf(this.deployment.getSpec().getSelector().getMatchLabels());
	}

	@Test
	void serviceSelectsTheDeploymentsPodsAndTargetsTheNamedPort() {
		Service service = Manifests.service();
		assertThat(service.getSpec().getSelector()).isNotEmpty();
		assertThat(this.deployment.getSpec().getTemplate().getMetadata().getLabels())
			.containsAllEntriesOf(service.getSpec().getSelector());
		// Any instance serves any client: state is shared through Redis.
		assertThat(service.getSpec().getSessionAffinity()).isIn(null, "None");
		List<ServicePort> ports = service.getSpec().getPorts();
		assertThat(ports).hasSize(1);
		assertThat(ports.getFirst().getTargetPort().getStrVal()).isEqualTo(Manifests.port(this.container).getName());
	}

	@Test
	void hpaScalesTheDeployment() {
		HorizontalPodAutoscaler hpa = Manifests.hpa();
		assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo(this.deployment.getApiVersion());
		assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo(this.deployment.getKind());
		assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(this.deployment.getMetadata().getName());
		assertThat(hpa.getSpec().getMinReplicas()).isPositive().isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
	}

	@Test
	void pdbSelectsTheDeploymentsPodsAndLeavesOneRunning() {
		PodDisruptionBudget pdb = Manifests.pdb();
		assertThat(pdb.getSpec().getSelector().getMatchLabels())
			.isEqualTo(this.deployment.getSpec().getSelector().getMatchLabels());
		assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).as("maxUnavailable")
			.isLessThan(Manifests.hpa().getSpec().getMinReplicas());
	}

	/** {@code envFrom} names the ConfigMap and the Secret of {@code k8s/}, so their variables arrive. */
	@Test
	void deploymentReadsTheConfigMapAndTheSecretOfTheseFiles() {
		Set<String> configMaps = this.container.getEnvFrom()
			.stream()
			.map(EnvFromSource::getConfigMapRef)
			.filter((ref) -> ref != null)
			.map((ref) -> ref.getName())
			.collect(Collectors.toSet());
		Set<String> secrets = this.container.getEnvFrom()
			.stream()
			.map(EnvFromSource::getSecretRef)
			.filter((ref) -> ref != null)
			.map((ref) -> ref.getName())
			.collect(Collectors.toSet());
		assertThat(configMaps).containsExactly(Manifests.configMap().getMetadata().getName());
		assertThat(secrets).containsExactly(Manifests.secret().getMetadata().getName());
	}

	/** The Secret carries what is secret: the Redis address (it may hold a password) and the JWT key. */
	@Test
	void secretHoldsTheRedisUrlAndTheJwtSecretAndTheConfigMapNeither() {
		assertThat(Manifests.secret().getStringData()).containsKeys("REDIS_URL", "STOMPBOX_JWT_SECRET");
		assertThat(Manifests.configMap().getData()).doesNotContainKeys("REDIS_URL", "STOMPBOX_JWT_SECRET");
		assertThat(this.container.getEnv()).extracting((env) -> env.getName())
			.doesNotContain("REDIS_URL", "STOMPBOX_JWT_SECRET");
	}

	static List<Probe> probes(Container container) {
		return Stream.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())
			.filter((probe) -> probe != null)
			.toList();
	}

	static String httpPath(Probe probe) {
		assertThat(probe).as("probe").isNotNull();
		assertThat(probe.getHttpGet()).as("httpGet of the probe").isNotNull();
		return probe.getHttpGet().getPath();
	}

	/** {@code sleep: {seconds: N}} or {@code exec: {command: [sleep, N]}}. */
	private static long preStopSeconds(LifecycleHandler preStop) {
		if (preStop.getSleep() != null) {
			return preStop.getSleep().getSeconds();
		}
		List<String> command = preStop.getExec().getCommand();
		assertThat(command).as("preStop command").hasSizeGreaterThanOrEqualTo(2);
		assertThat(command.get(command.size() - 2)).endsWith("sleep");
		return Long.parseLong(command.getLast());
	}

}
