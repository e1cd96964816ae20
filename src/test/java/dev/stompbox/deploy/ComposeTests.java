package dev.stompbox.deploy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import dev.stompbox.deploy.Compose.ComposeService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/compose.yaml} and {@code docker/nginx.conf}: Redis, two Stompbox
 * instances on it and a round-robin proxy without affinity on port 8080, so
 * {@code docker compose up} shows the cluster.
 */
class ComposeTests {

	/**
	 * The application's port when PORT is not set (application.yaml:
	 * {@code ${PORT:8080}}).
	 */
	private static final int APPLICATION_PORT = 8080;

	private final Compose compose = Manifests.compose();

	private final String nginx = withoutComments(Manifests.text(Manifests.NGINX));

	@Test
	void composeRunsRedis() {
		assertThat(this.compose.services()).containsKey("redis");
		assertThat(this.compose.services().get("redis").image()).startsWith("redis:");
	}

	@Test
	void composeRunsTwoStompboxInstancesBuiltFromTheDockerfile() {
		Map<String, ComposeService> instances = stompboxInstances();
		assertThat(instances).hasSizeGreaterThanOrEqualTo(2);
		instances.forEach((name, service) -> {
			assertThat(service.build()).as("build of %s", name).isNotNull();
			Path context = Manifests.COMPOSE.getParent().resolve(service.build().context()).normalize();
			assertThat(context.resolve(service.build().dockerfile()).normalize()).as("Dockerfile of %s", name)
				.isEqualTo(Manifests.DOCKERFILE);
			assertThat(context.resolve("pom.xml")).as("build context of %s", name).exists();
		});
		assertThat(instances.values()).extracting((service) -> service.environment().get("STOMPBOX_INSTANCE_ID"))
			.as("instance ids")
			.doesNotHaveDuplicates();
	}

	@Test
	void everyInstanceReachesTheRedisService() {
		stompboxInstances().forEach((name, service) -> {
			String url = service.environment().get("REDIS_URL");
			assertThat(url).as("REDIS_URL of %s", name).isNotBlank();
			URI uri = URI.create(url);
			assertThat(uri.getScheme()).isIn("redis", "rediss");
			assertThat(uri.getHost()).as("host of REDIS_URL of %s", name).isEqualTo("redis");
			assertThat(service.dependsOn()).as("depends_on of %s", name).contains("redis");
		});
	}

	/**
	 * Docker's stop sends SIGTERM and kills after the grace period: the drain has to fit
	 * in it.
	 */
	@Test
	void everyInstanceHasTimeToDrain() {
		stompboxInstances().forEach((name, service) -> {
			// Compose's default is 10 s.
			Duration grace = (service.stopGracePeriod() != null)
					? DurationStyle.detectAndParse(service.stopGracePeriod()) : Duration.ofSeconds(10);
			assertThat(grace).as("stop_grace_period of %s", name)
				.isGreaterThan(Duration.ofSeconds(KubernetesManifestsTests.DRAIN_SECONDS));
		});
	}

	@Test
	void proxyPublishesPort8080WithTheNginxConfigurationOfThisDirectory() {
		ComposeService proxy = this.compose.services().get("proxy");
		assertThat(proxy).as("service proxy").isNotNull();
		assertThat(proxy.image()).startsWith("nginx:");
		assertThat(proxy.ports()).anySatisfy((port) -> assertThat(port).matches("(.*:)?8080:8080(/tcp)?"));
		assertThat(proxy.volumes()).anySatisfy((volume) -> {
			String[] parts = volume.split(":");
			assertThat(Manifests.COMPOSE.getParent().resolve(parts[0]).normalize()).isEqualTo(Manifests.NGINX);
			assertThat(parts[1]).isEqualTo("/etc/nginx/nginx.conf");
		});
		assertThat(proxy.dependsOn()).containsAll(stompboxInstances().keySet());
		assertThat(this.nginx).containsPattern("listen\\s+8080\\s*;");
	}

	@Test
	void nginxUpstreamListsEveryInstanceOnTheApplicationPort() {
		List<String> servers = new ArrayList<>();
		Matcher server = Pattern.compile("server\\s+([^\\s;]+)\\s*[^;]*;").matcher(upstreamBlock());
		while (server.find()) {
			servers.add(server.group(1));
		}
		assertThat(servers).containsExactlyInAnyOrderElementsOf(
				stompboxInstances().keySet().stream().map((name) -> name + ":" + APPLICATION_PORT).toList());
	}

	/**
	 * Round robin: a client may land on any instance, as on Cloud Run, and nothing may
	 * depend on it.
	 */
	@Test
	void nginxBalancesWithoutAffinity() {
		assertThat(upstreamBlock()).doesNotContainPattern("\\b(ip_hash|hash|sticky|least_conn|random)\\b");
		assertThat(this.nginx).doesNotContainPattern("\\bsticky\\b");
	}

	@Test
	void nginxPassesTheWebSocketUpgradeToTheUpstream() {
		String upstream = upstreamName();
		assertThat(this.nginx).containsPattern("proxy_pass\\s+http://" + Pattern.quote(upstream) + "\\s*;")
			.containsPattern("proxy_http_version\\s+1\\.1\\s*;")
			.containsPattern("proxy_set_header\\s+Upgrade\\s+\\$http_upgrade\\s*;")
			.containsPattern("proxy_set_header\\s+Connection\\s+(\\$connection_upgrade|\"?upgrade\"?)\\s*;");
	}

	/**
	 * A local demo that runs as it is: demo mode on explicitly (the server refuses to
	 * start without a key otherwise), no key in the file, and the proxy on loopback only.
	 */
	@Test
	void composeIsALocalDemoWithoutAKey() {
		stompboxInstances().forEach((name, service) -> {
			assertThat(service.environment()).as("environment of %s", name)
				.containsEntry("STOMPBOX_DEMO", "true")
				.doesNotContainKeys("STOMPBOX_JWT_SECRET", "STOMPBOX_JWT_JWKS_URI");
		});
		assertThat(this.compose.services().get("proxy").ports())
			.allSatisfy((port) -> assertThat(port).as("published port: loopback only").startsWith("127.0.0.1:"));
	}

	/**
	 * The browser's origin reaches the instances: the Host with its port, and the scheme.
	 */
	@Test
	void nginxPassesTheHostAsTheBrowserWroteItAndTheScheme() {
		assertThat(this.nginx).containsPattern("proxy_set_header\\s+Host\\s+\\$http_host\\s*;")
			.containsPattern("proxy_set_header\\s+X-Forwarded-Proto\\s+\\$scheme\\s*;");
	}

	/** Services that run the Stompbox image: the ones built from the Dockerfile. */
	private Map<String, ComposeService> stompboxInstances() {
		Map<String, ComposeService> instances = new LinkedHashMap<>();
		this.compose.services().forEach((name, service) -> {
			if (service.build() != null || (service.image() != null && service.image().startsWith("stompbox"))) {
				instances.put(name, service);
			}
		});
		return instances;
	}

	private String upstreamName() {
		Matcher upstream = Pattern.compile("upstream\\s+(\\S+)\\s*\\{").matcher(this.nginx);
		assertThat(upstream.find()).as("an upstream block in %s", Manifests.NGINX).isTrue();
		return upstream.group(1);
	}

	private String upstreamBlock() {
		Matcher upstream = Pattern.compile("upstream\\s+\\S+\\s*\\{([^}]*)}").matcher(this.nginx);
		assertThat(upstream.find()).as("an upstream block in %s", Manifests.NGINX).isTrue();
		return upstream.group(1);
	}

	private static String withoutComments(String config) {
		return config.replaceAll("(?m)#.*$", "");
	}

}
