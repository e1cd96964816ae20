package dev.stompbox.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s/}: the Deployment, its Service, HPA and PodDisruptionBudget, and the
 * ConfigMap and Secret it reads, read into fabric8's models. That the probe paths answer
 * on the running application is {@link ManifestProbesIntegrationTests}' part.
 */
class KubernetesManifestsTests {

	/** The drain closes every session within this (issue 4: "exit within 8 s"). */
	static final long DRAIN_SECONDS = 8;

	static final String HTTP_PORT_NAME = "http";

	static final String MANAGEMENT_PORT_NAME = "management";

	/**
	 * Cloud Run's longest request, and the longest a WebSocket should live behind any
	 * proxy.
	 */
	static final long WEBSOCKET_TIMEOUT_SECONDS = 3600;

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

	/**
	 * Health and metrics are served on the management port, which no Service exposes: the
	 * probes and Prometheus go to the pods themselves.
	 */
	@Test
	void probesAndPrometheusUseTheManagementPort() {
		ContainerPort management = Manifests.port(this.container, MANAGEMENT_PORT_NAME);
		assertThat(Manifests.env(this.container, "MANAGEMENT_SERVER_PORT")).as("MANAGEMENT_SERVER_PORT")
			.hasValueSatisfying(
					(env) -> assertThat(Integer.parseInt(env.getValue())).isEqualTo(management.getContainerPort()));
		assertThat(management.getContainerPort()).isNotEqualTo(httpPort().getContainerPort());
		for (Probe probe : probes(this.container)) {
			assertThat(probe.getHttpGet().getPort().getStrVal()).as("port of the probe on %s", httpPath(probe))
				.isEqualTo(MANAGEMENT_PORT_NAME);
		}
		Map<String, String> annotations = this.deployment.getSpec().getTemplate().getMetadata().getAnnotations();
		assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
			.containsEntry("prometheus.io/port", String.valueOf(management.getContainerPort()))
			.containsEntry("prometheus.io/path", "/actuator/prometheus");
	}

	@Test
	void applicationPortIsThePortTheDeploymentSets() {
		assertThat(Manifests.env(this.container, "PORT")).as("PORT")
			.hasValueSatisfying(
					(env) -> assertThat(Integer.parseInt(env.getValue())).isEqualTo(httpPort().getContainerPort()));
		assertThat(this.container.getPorts()).extracting(ContainerPort::getName)
			.containsExactlyInAnyOrder(HTTP_PORT_NAME, MANAGEMENT_PORT_NAME);
	}

	/**
	 * SIGTERM comes after preStop, and the kubelet kills the container at the grace
	 * period, counted from the start of preStop: it has to cover the preStop pause and
	 * the whole drain.
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

	/**
	 * Jetty's work directory and the JVM's perf data live in /tmp: with a read-only root
	 * it is a volume.
	 */
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
	void serviceSelectsTheDeploymentsPodsAndExposesOnlyTheApplicationPort() {
		Service service = Manifests.service();
		assertThat(service.getSpec().getSelector()).isNotEmpty();
		assertThat(this.deployment.getSpec().getTemplate().getMetadata().getLabels())
			.containsAllEntriesOf(service.getSpec().getSelector());
		// Any instance serves any client: state is shared through Redis.
		assertThat(service.getSpec().getSessionAffinity()).isIn(null, "None");
		List<ServicePort> ports = service.getSpec().getPorts();
		assertThat(ports).as("ports of the Service: the application's, not the management port").hasSize(1);
		IntOrString target = ports.getFirst().getTargetPort();
		assertThat((target.getStrVal() != null) ? target.getStrVal() : String.valueOf(target.getIntVal()))
			.isIn(HTTP_PORT_NAME, String.valueOf(httpPort().getContainerPort()));
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

	/**
	 * {@code envFrom} names the ConfigMap and the Secret of {@code k8s/}, so their
	 * variables arrive.
	 */
	@Test
	void deploymentReadsTheConfigMapAndTheSecretOfTheseFiles() {
		assertThat(envFrom(EnvFromSource::getConfigMapRef, ConfigMapEnvSource::getName))
			.containsExactly(Manifests.configMap().getMetadata().getName());
		assertThat(envFrom(EnvFromSource::getSecretRef, SecretEnvSource::getName))
			.containsExactly(Manifests.secret().getMetadata().getName());
	}

	/**
	 * The names of the sources of one kind (ConfigMaps, Secrets) {@code envFrom} lists.
	 */
	private <S> Set<String> envFrom(Function<EnvFromSource, S> source, Function<S, String> name) {
		return this.container.getEnvFrom()
			.stream()
			.map(source)
			.filter(Objects::nonNull)
			.map(name)
			.collect(Collectors.toSet());
	}

	/**
	 * The Secret carries what is secret: the Redis address (it may hold a password) and
	 * the JWT key.
	 */
	@Test
	void secretHoldsTheRedisUrlAndTheJwtSecretAndTheConfigMapNeither() {
		assertThat(Manifests.secret().getStringData()).containsKeys("REDIS_URL", "STOMPBOX_JWT_SECRET");
		assertThat(Manifests.configMap().getData()).doesNotContainKeys("REDIS_URL", "STOMPBOX_JWT_SECRET");
		assertThat(this.container.getEnv()).extracting((env) -> env.getName())
			.doesNotContain("REDIS_URL", "STOMPBOX_JWT_SECRET");
	}

	/**
	 * Without a CPU limit the JVM counts every core of the node and sizes Jetty's
	 * threads, the executors and the GC threads for them: a limit, or the processor count
	 * given explicitly.
	 */
	@Test
	void jvmIsToldHowManyProcessorsThePodHas() {
		boolean cpuLimit = this.container.getResources().getLimits().containsKey("cpu");
		String flags = Manifests.env(this.container, "JDK_JAVA_OPTIONS").map(EnvVar::getValue).orElse("");
		assertThat(cpuLimit || flags.matches("(.*\\s)?-XX:ActiveProcessorCount=[1-9][0-9]*(\\s.*)?"))
			.as("a cpu limit or -XX:ActiveProcessorCount in JDK_JAVA_OPTIONS (%s)", flags)
			.isTrue();
	}

	/**
	 * Kubernetes has no K_REVISION: each rollout's pods name their pod template's hash,
	 * for rebalancing.
	 */
	@Test
	void revisionIsThePodTemplatesHashAndScaleOutsRebalanceByLoad() {
		EnvVar revision = Manifests.env(this.container, "STOMPBOX_REVISION").orElseThrow();
		assertThat(revision.getValueFrom().getFieldRef().getFieldPath())
			.isEqualTo("metadata.labels['pod-template-hash']");
		assertThat(Manifests.configMap().getData()).containsEntry("STOMPBOX_REBALANCE", "load");
	}

	/**
	 * JAVA_TOOL_OPTIONS is the image's (memory and collector flags, DockerfileTests): a
	 * value here would replace them all. JDK_JAVA_OPTIONS adds to them; it must not pick
	 * another collector or a fixed heap.
	 */
	@Test
	void deploymentAddsToTheImagesJvmFlagsWithoutReplacingThem() {
		assertThat(Manifests.env(this.container, "JAVA_TOOL_OPTIONS")).as("JAVA_TOOL_OPTIONS").isEmpty();
		String flags = Manifests.env(this.container, "JDK_JAVA_OPTIONS").map(EnvVar::getValue).orElse("");
		assertThat(flags).doesNotContainPattern("-XX:\\+Use\\w+GC").doesNotContain("-Xmx");
	}

	/** Losing a zone or a node costs a share of the connections, not all of them. */
	@Test
	void podsSpreadOverZonesAndNodes() {
		List<TopologySpreadConstraint> constraints = this.pod.getTopologySpreadConstraints();
		assertThat(constraints).extracting(TopologySpreadConstraint::getTopologyKey)
			.contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
		Map<String, String> labels = this.deployment.getSpec().getTemplate().getMetadata().getLabels();
		for (TopologySpreadConstraint constraint : constraints) {
			assertThat(constraint.getMaxSkew()).as("maxSkew over %s", constraint.getTopologyKey()).isPositive();
			assertThat(constraint.getWhenUnsatisfiable()).isIn("ScheduleAnyway", "DoNotSchedule");
			assertThat(labels).as("pod labels, selected by the spread over %s", constraint.getTopologyKey())
				.containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels());
		}
	}

	private ContainerPort httpPort() {
		return Manifests.port(this.container, HTTP_PORT_NAME);
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
