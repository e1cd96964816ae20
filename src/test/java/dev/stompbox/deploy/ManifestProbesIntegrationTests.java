package dev.stompbox.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes of Cloud Run and the Docker health check against the running application:
 * every path they name answers 200 UP, and every port they name is the one the
 * application listens on there ({@code server.port: ${PORT:8080}} in application.yaml).
 * The Deployment's probes, on the management port, are
 * {@link DeploymentProbesIntegrationTests}' part.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, ManifestProbesIntegrationTests.OWN_CONTEXT })
class ManifestProbesIntegrationTests {

	/**
	 * Keeps this class's application context to itself: the test framework pauses a
	 * cached context (stops its lifecycle beans, which starts the drain) when another one
	 * is used, and a class that picked up this one afterwards would find it refusing
	 * handshakes.
	 */
	static final String OWN_CONTEXT = "stompbox.instance-id=manifest-probes";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@LocalServerPort
	int port;

	@Test
	void everyProbeOfTheCloudRunServiceIsAnsweredUpByTheApplication() {
		Container container = Manifests.container(Manifests.cloudRun());
		assertThat(KubernetesManifestsTests.probes(container)).hasSizeGreaterThanOrEqualTo(2)
			.allSatisfy((probe) -> assertUp(KubernetesManifestsTests.httpPath(probe), this.port));
	}

	@Test
	void theDockerHealthCheckIsAnsweredUpByTheApplication() {
		Matcher path = Pattern.compile("(/actuator/health/[a-z]+)")
			.matcher(Manifests.text(Manifests.DOCKERFILE)
				.lines()
				.filter((line) -> line.contains("/actuator/health") && !line.strip().startsWith("#"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no health check path in " + Manifests.DOCKERFILE)));
		assertThat(path.find()).isTrue();
		assertUp(path.group(1), this.port);
	}

	/** Cloud Run sets PORT to the container port and probes that port. */
	@Test
	void cloudRunProbesTargetThePortTheApplicationListensOn() {
		Container container = Manifests.container(Manifests.cloudRun());
		ContainerPort containerPort = Manifests.port(container);
		for (Probe probe : KubernetesManifestsTests.probes(container)) {
			assertThat(resolve(probe.getHttpGet().getPort(), containerPort))
				.as("port of the probe on %s", probe.getHttpGet().getPath())
				.isEqualTo(containerPort.getContainerPort());
		}
		String portVariable = String.valueOf(containerPort.getContainerPort());
		assertThat(serverPort(Map.of("PORT", portVariable))).isEqualTo(containerPort.getContainerPort());
	}

	static void assertUp(String path, int port) {
		HttpResponse<String> response = get(path, port);
		assertThat(response.statusCode()).as("status of GET %s", path).isEqualTo(200);
		assertThat(JSON.readTree(response.body()).path("status").asString()).as("health of GET %s", path)
			.isEqualTo("UP");
	}

	static HttpResponse<String> get(String path, int port) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build();
		try {
			return HTTP.send(request, BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("GET " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A probe's port: a number, the name of a container port, or (unset) the container
	 * port.
	 */
	private static int resolve(IntOrString port, ContainerPort containerPort) {
		if (port == null) {
			return containerPort.getContainerPort();
		}
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		assertThat(port.getStrVal()).as("named port").isEqualTo(containerPort.getName());
		return containerPort.getContainerPort();
	}

	/**
	 * {@code server.port} as the application's configuration resolves it with these
	 * variables.
	 */
	static int serverPort(Map<String, Object> env) {
		return property("server.port", env);
	}

	/**
	 * A port setting as the application's configuration resolves it with these variables.
	 */
	static int property(String name, Map<String, Object> env) {
		StandardEnvironment environment = new StandardEnvironment();
		String source = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
		environment.getPropertySources().replace(source, new SystemEnvironmentPropertySource(source, env));
		ConfigDataEnvironmentPostProcessor.applyTo(environment);
		return Binder.get(environment).bind(name, Integer.class).get();
	}

}
