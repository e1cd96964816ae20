package dev.stompbox.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code kubectl apply -k k8s/} and {@code kubectl apply -k k8s/gke/} apply: the
 * image only through the kustomization, with a placeholder that cannot run anything; no
 * Secret; and on GKE an Ingress whose load balancer keeps WebSockets open for an hour.
 * Also what {@code kubectl apply -f k8s/} would pick up (the top-level files), so that
 * the example Secret cannot be applied that way either.
 */
class KustomizationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, Object> kustomization = Manifests.tree(Manifests.KUSTOMIZATION);

	@Test
	void everyResourceOfBothKustomizationsExists() {
		for (Path file : List.of(Manifests.KUSTOMIZATION, Manifests.GKE_KUSTOMIZATION)) {
			Map<String, Object> tree = Manifests.tree(file);
			assertThat(tree).containsEntry("apiVersion", "kustomize.config.k8s.io/v1beta1")
				.containsEntry("kind", "Kustomization");
			for (String resource : strings(tree.get("resources"))) {
				assertThat(file.getParent().resolve(resource).normalize()).as("resource %s of %s", resource, file)
					.exists();
			}
		}
		assertThat(strings(this.kustomization.get("resources"))).containsExactlyInAnyOrder(
				fileName(Manifests.CONFIG_MAP), fileName(Manifests.DEPLOYMENT), fileName(Manifests.SERVICE),
				fileName(Manifests.HPA), fileName(Manifests.PDB));
		assertThat(strings(Manifests.tree(Manifests.GKE_KUSTOMIZATION).get("resources")))
			.containsExactlyInAnyOrder("../", fileName(Manifests.GKE_INGRESS), fileName(Manifests.GKE_BACKEND_CONFIG));
	}

	/** A Secret applied with the manifests would overwrite the real one (issue 20). */
	@Test
	void noSecretIsAppliedByKustomizeOrByApplyingTheDirectory() {
		List<Path> applied = new ArrayList<>(appliedByKustomize(Manifests.KUSTOMIZATION));
		applied.addAll(appliedByKustomize(Manifests.GKE_KUSTOMIZATION));
		applied.addAll(topLevelManifests());
		for (Path file : applied) {
			assertThat(documentKinds(file)).as("kinds in %s", file).doesNotContain("Secret");
		}
		assertThat(applied).doesNotContain(Manifests.SECRET);
	}

	/**
	 * The example shows the Secret's keys, but its key is shorter than the 32 bytes the
	 * server requires: a pod started with it stops at once, naming STOMPBOX_JWT_SECRET.
	 */
	@Test
	void exampleSecretHoldsNoUsableKey() {
		String key = Manifests.secret().getStringData().get("STOMPBOX_JWT_SECRET");
		assertThat(key.getBytes(StandardCharsets.UTF_8)).as("STOMPBOX_JWT_SECRET of %s", Manifests.SECRET)
			.hasSizeLessThan(32);
		assertThat(Manifests.text(Manifests.SECRET)).as("how to create the real one")
			.contains("kubectl create secret generic " + Manifests.secret().getMetadata().getName())
			.contains("STOMPBOX_JWT_SECRET=\"$(openssl rand -base64 48)\"");
	}

	/**
	 * The Deployment names the image only by the kustomization's name for it, and the
	 * kustomization maps that to a registry that cannot exist (RFC 2606 {@code .invalid})
	 * until the operator sets theirs: a forgotten step is an ErrImagePull, not someone
	 * else's image.
	 */
	@Test
	void imageIsSetThroughTheKustomizationWithAPlaceholderThatCannotBePulled() {
		String image = Manifests.container(Manifests.deployment()).getImage();
		assertThat(image).as("image of the Deployment: a bare name for kustomize to replace")
			.matches("[a-z0-9][a-z0-9._-]*");
		List<Map<String, Object>> images = maps(this.kustomization.get("images"));
		assertThat(images).extracting((entry) -> entry.get("name")).containsExactly(image);
		String newName = (String) images.getFirst().get("newName");
		String registry = newName.substring(0, newName.indexOf('/'));
		assertThat(registry).as("registry of the placeholder").endsWith(".invalid");
		assertThat(String.valueOf(images.getFirst().get("newTag"))).isNotEqualTo("latest");
		assertThat(Manifests.text(Manifests.KUSTOMIZATION)).as("how to set the image")
			.contains("kustomize edit set image " + image + "=");
	}

	/**
	 * The Service annotation points GKE's load balancer at the BackendConfig of k8s/gke/.
	 */
	@Test
	void gkeLoadBalancerUsesTheBackendConfigAndTheServicesPort() throws Exception {
		Service service = Manifests.service();
		Map<String, Object> backendConfig = Manifests.tree(Manifests.GKE_BACKEND_CONFIG);
		assertThat(backendConfig).containsEntry("apiVersion", "cloud.google.com/v1")
			.containsEntry("kind", "BackendConfig");
		String annotation = service.getMetadata().getAnnotations().get("cloud.google.com/backend-config");
		assertThat(annotation).as("annotation cloud.google.com/backend-config").isNotNull();
		assertThat(JSON.readTree(annotation).path("default").asString())
			.isEqualTo(map(backendConfig.get("metadata")).get("name"));
		Map<String, Object> ingress = Manifests.tree(Manifests.GKE_INGRESS);
		assertThat(ingress).containsEntry("apiVersion", "networking.k8s.io/v1").containsEntry("kind", "Ingress");
		assertThat(map(map(ingress.get("metadata")).get("annotations"))).containsEntry("kubernetes.io/ingress.class",
				"gce");
		Map<String, Object> backend = map(map(map(ingress.get("spec")).get("defaultBackend")).get("service"));
		assertThat(backend).containsEntry("name", service.getMetadata().getName());
		assertThat(map(backend.get("port"))).containsEntry("name", service.getSpec().getPorts().getFirst().getName());
	}

	/**
	 * GKE's load balancer closes a WebSocket at the backend timeout (30 s by default);
	 * the ingress-nginx alternative the Ingress documents needs the same hour.
	 */
	@Test
	void loadBalancerKeepsWebSocketsOpenForAnHour() {
		Map<String, Object> spec = map(Manifests.tree(Manifests.GKE_BACKEND_CONFIG).get("spec"));
		assertThat(((Number) spec.get("timeoutSec")).longValue())
			.isGreaterThanOrEqualTo(KubernetesManifestsTests.WEBSOCKET_TIMEOUT_SECONDS);
		Number draining = (Number) map(spec.get("connectionDraining")).get("drainingTimeoutSec");
		assertThat(draining.longValue()).as("connection draining, for the drain of a pod that leaves")
			.isGreaterThanOrEqualTo(KubernetesManifestsTests.DRAIN_SECONDS);
		String text = Manifests.text(Manifests.GKE_INGRESS);
		for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
			assertThat(text).containsPattern("nginx\\.ingress\\.kubernetes\\.io/" + timeout + ":\\s*\"3600\"");
		}
	}

	/**
	 * The probes are on the management port, so GKE cannot derive the load balancer's
	 * health check from them: the BackendConfig names one on the serving port, which the
	 * application answers without a token.
	 */
	@Test
	void loadBalancerHealthCheckIsOnThePageOfTheServingPort() {
		Map<String, Object> healthCheck = map(
				map(Manifests.tree(Manifests.GKE_BACKEND_CONFIG).get("spec")).get("healthCheck"));
		assertThat(healthCheck).containsEntry("type", "HTTP").containsEntry("requestPath", "/");
		assertThat(healthCheck).doesNotContainKey("port");
	}

	private static List<Path> appliedByKustomize(Path kustomization) {
		List<Path> files = new ArrayList<>();
		for (String resource : strings(Manifests.tree(kustomization).get("resources"))) {
			Path path = kustomization.getParent().resolve(resource).normalize();
			if (Files.isDirectory(path)) {
				files.addAll(appliedByKustomize(path.resolve("kustomization.yaml")));
			}
			else {
				files.add(path);
			}
		}
		return files;
	}

	/**
	 * What {@code kubectl apply -f k8s/} reads: the directory's own files, not its
	 * subdirectories.
	 */
	private static List<Path> topLevelManifests() {
		try (Stream<Path> files = Files.list(Manifests.KUSTOMIZATION.getParent())) {
			return files.filter(Files::isRegularFile)
				.filter((file) -> file.toString().matches(".*\\.(yaml|yml|json)"))
				.map(Path::normalize)
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> documentKinds(Path file) {
		List<String> kinds = new ArrayList<>();
		for (String document : Manifests.text(file).split("(?m)^---\\s*$")) {
			Object tree = new org.yaml.snakeyaml.Yaml().load(document);
			if (tree instanceof Map<?, ?> map && map.get("kind") != null) {
				kinds.add(map.get("kind").toString());
			}
		}
		return kinds;
	}

	private static String fileName(Path path) {
		return path.getFileName().toString();
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> maps(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Map<String, Object>>) value;
	}

	static List<String> strings(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return ((List<?>) value).stream().map(String::valueOf).toList();
	}

}
