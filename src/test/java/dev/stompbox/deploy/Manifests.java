package dev.stompbox.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy files read into typed models: fabric8's Kubernetes and Knative classes for
 * the manifests, {@link Compose} for {@code compose.yaml}. Paths are relative to the
 * project root, where Maven runs the tests, so the tests work from a fresh clone with
 * nothing else beside it.
 */
final class Manifests {

	static final Path DOCKERFILE = Path.of("docker/Dockerfile");

	static final Path COMPOSE = Path.of("docker/compose.yaml");

	static final Path NGINX = Path.of("docker/nginx.conf");

	static final Path DEPLOYMENT = Path.of("k8s/deployment.yaml");

	static final Path SERVICE = Path.of("k8s/service.yaml");

	static final Path HPA = Path.of("k8s/hpa.yaml");

	static final Path PDB = Path.of("k8s/pdb.yaml");

	static final Path CONFIG_MAP = Path.of("k8s/configmap.yaml");

	/** An example only: outside the applied set, for the shape of the Secret. */
	static final Path SECRET = Path.of("k8s/examples/secret.example.yaml");

	static final Path KUSTOMIZATION = Path.of("k8s/kustomization.yaml");

	static final Path GKE_KUSTOMIZATION = Path.of("k8s/gke/kustomization.yaml");

	static final Path GKE_INGRESS = Path.of("k8s/gke/ingress.yaml");

	static final Path GKE_BACKEND_CONFIG = Path.of("k8s/gke/backendconfig.yaml");

	static final Path CLOUD_RUN = Path.of("k8s/cloudrun/service.yaml");

	static final Path CLOUD_BUILD = Path.of("docker/cloudbuild.yaml");

	static final Path POM = Path.of("pom.xml");

	/** Jackson 2, which fabric8's models are annotated for. */
	private static final ObjectMapper YAML = YAMLMapper.builder().build();

	private Manifests() {
	}

	static Deployment deployment() {
		return read(DEPLOYMENT, Deployment.class);
	}

	static Service service() {
		return read(SERVICE, Service.class);
	}

	static HorizontalPodAutoscaler hpa() {
		return read(HPA, HorizontalPodAutoscaler.class);
	}

	static PodDisruptionBudget pdb() {
		return read(PDB, PodDisruptionBudget.class);
	}

	static ConfigMap configMap() {
		return read(CONFIG_MAP, ConfigMap.class);
	}

	static Secret secret() {
		return read(SECRET, Secret.class);
	}

	static io.fabric8.knative.serving.v1.Service cloudRun() {
		return read(CLOUD_RUN, io.fabric8.knative.serving.v1.Service.class);
	}

	/**
	 * {@code compose.yaml}, read with SnakeYAML because it uses a merge key
	 * ({@code <<: *stompbox}), which SnakeYAML resolves and Jackson's YAML parser does
	 * not.
	 */
	static Compose compose() {
		Object tree = new Yaml().load(text(COMPOSE));
		return YAML.convertValue(tree, Compose.class);
	}

	/**
	 * A YAML file as maps and lists, for the files no model on the class path covers
	 * (kustomizations, Ingress, GKE's BackendConfig, Cloud Build).
	 */
	static Map<String, Object> tree(Path path) {
		try {
			return YAML.readValue(path.toFile(), new TypeReference<Map<String, Object>>() {
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + path.toAbsolutePath(), ex);
		}
	}

	static String text(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + path.toAbsolutePath(), ex);
		}
	}

	/** The one container of the Deployment's pods. */
	static Container container(Deployment deployment) {
		List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
		assertThat(containers).as("containers of %s", DEPLOYMENT).hasSize(1);
		return containers.getFirst();
	}

	/** The one container of the Cloud Run revision. */
	static Container container(io.fabric8.knative.serving.v1.Service service) {
		List<Container> containers = service.getSpec().getTemplate().getSpec().getContainers();
		assertThat(containers).as("containers of %s", CLOUD_RUN).hasSize(1);
		return containers.getFirst();
	}

	static Optional<EnvVar> env(Container container, String name) {
		return container.getEnv().stream().filter((env) -> env.getName().equals(name)).findFirst();
	}

	/** The container's only port. */
	static ContainerPort port(Container container) {
		assertThat(container.getPorts()).as("ports of container %s", container.getName()).hasSize(1);
		return container.getPorts().getFirst();
	}

	/** The container port of that name. */
	static ContainerPort port(Container container, String name) {
		return container.getPorts()
			.stream()
			.filter((port) -> name.equals(port.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no port " + name + " in container " + container.getName()));
	}

	static long bytes(Quantity quantity) {
		return Quantity.getAmountInBytes(quantity).longValueExact();
	}

	private static <T> T read(Path path, Class<T> type) {
		try {
			return YAML.readValue(path.toFile(), type);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + path.toAbsolutePath() + " as " + type.getName(), ex);
		}
	}

	/**
	 * The fields of a manifest that its model does not define, as paths such as
	 * {@code spec.template.spec.containers[0].readinesProbe}. fabric8's models keep those
	 * in {@code additionalProperties} instead of failing, and so would the platform,
	 * silently.
	 */
	static List<String> unknownFields(Object model) {
		List<String> unknown = new ArrayList<>();
		collectUnknownFields(model, "", unknown);
		return unknown;
	}

	private static void collectUnknownFields(Object value, String path, List<String> unknown) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, child) -> collectUnknownFields(child, path + "." + key, unknown));
			return;
		}
		if (value instanceof Collection<?> collection) {
			int index = 0;
			for (Object child : collection) {
				collectUnknownFields(child, path + "[" + index++ + "]", unknown);
			}
			return;
		}
		if (value == null || !value.getClass().getName().startsWith("io.fabric8.") || value instanceof Quantity
				|| value instanceof AnyType) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			// The any-getter is itself @JsonIgnore'd: look at it before skipping ignored
			// getters.
			if (getter.getName().equals("getAdditionalProperties") && getter.getParameterCount() == 0) {
				String prefix = path.isEmpty() ? "" : path.substring(1) + ".";
				((Map<?, ?>) invoke(getter, value)).keySet().forEach((key) -> unknown.add(prefix + key));
			}
			else if (isPropertyGetter(getter)) {
				String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
				collectUnknownFields(invoke(getter, value), path + "." + property, unknown);
			}
		}
	}

	private static boolean isPropertyGetter(Method method) {
		return method.getName().startsWith("get") && method.getParameterCount() == 0
				&& !Modifier.isStatic(method.getModifiers()) && !method.isDefault()
				&& method.getDeclaringClass() != Object.class && !method.isAnnotationPresent(JsonIgnore.class);
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Cannot call " + getter, ex);
		}
	}

}
