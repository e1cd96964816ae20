package dev.stompbox.health;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.support.ServerApi;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Probes, the health components and what actuator exposes on the main port (PROTOCOL.md
 * section 8): the status to anyone, the components and the metrics to a token with scope
 * {@code stompbox:metrics} or {@code stompbox:publish}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.instance-id=health-test", "stompbox.max-connections=77" })
class HealthIntegrationTests {

	private static final String SCRAPER = TestTokens.scraper();

	@LocalServerPort
	int port;

	@Autowired
	InstanceId instanceId;

	@Test
	void livenessProbeIsUpWithoutAToken() {
		Reply response = get("/actuator/health/liveness");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().path("status").asString()).isEqualTo("UP");
	}

	@Test
	void readinessProbeIsUpWithoutAToken() {
		Reply response = get("/actuator/health/readiness");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().path("status").asString()).isEqualTo("UP");
	}

	@Test
	void healthShowsOnlyTheStatusWithoutAMetricsToken() {
		for (String token : new String[] { null, TestTokens.forUser("nosy") }) {
			Reply response = get("/actuator/health", token);
			assertThat(response.status()).isEqualTo(200);
			// The probe groups' names are all there is besides the status.
			assertThat(response.json().propertyNames()).containsExactlyInAnyOrder("status", "groups");
			assertThat(response.body()).doesNotContain("health-test").doesNotContain("maxConnections");
			assertThat(get("/actuator/health/websocket", token).status()).isEqualTo(404);
		}
	}

	@Test
	void healthShowsTheComponentsToAMetricsOrPublishToken() {
		for (String token : List.of(SCRAPER, ServerApi.PUBLISHER)) {
			Reply response = get("/actuator/health", token);
			assertThat(response.status()).isEqualTo(200);
			assertThat(
					response.json().path("components").path("websocket").path("details").path("instanceId").asString())
				.isEqualTo("health-test");
			assertThat(get("/actuator/health/websocket", token).status()).isEqualTo(200);
		}
	}

	@Test
	void aBadTokenOnAProbeIsRefusedRatherThanIgnored() {
		Reply response = get("/actuator/health",
				TestTokens.builder("forger")
					.scope("stompbox:metrics")
					.secret("another-secret-that-is-at-least-32-bytes")
					.sign());
		assertThat(response.status()).isEqualTo(401);
	}

	@Test
	void healthIncludesWebsocketComponentWithSessionsCapAndInstance() {
		JsonNode websocket = websocketHealth();
		assertThat(websocket.path("status").asString()).isEqualTo("UP");
		assertThat(websocket.path("details").path("sessions").asInt()).isZero();
		assertThat(websocket.path("details").path("maxConnections").asInt()).isEqualTo(77);
		assertThat(websocket.path("details").path("instanceId").asString()).isEqualTo("health-test")
			.isEqualTo(this.instanceId.value());
	}

	@Test
	void websocketComponentCountsOpenSessions() {
		try (StompTestClient first = StompTestClient.connect(this.port, TestTokens.forUser("h1"));
				StompTestClient second = StompTestClient.connect(this.port, TestTokens.forUser("h2"),
						StompTestClient.Transport.SOCKJS)) {
			await().atMost(StompTestClient.TIMEOUT).untilAsserted(() -> assertThat(openSessions()).isEqualTo(2));
		}
		await().atMost(StompTestClient.TIMEOUT).untilAsserted(() -> assertThat(openSessions()).isZero());
	}

	@Test
	void healthIsUpWithoutRedisComponentInSingleNodeMode() {
		Reply response = get("/actuator/health", SCRAPER);
		assertThat(response.status()).isEqualTo(200);
		JsonNode health = response.json();
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").has("websocket")).isTrue();
		assertThat(health.path("components").has("redis")).isFalse();
	}

	@Test
	void onlyHealthInfoAndPrometheusAreExposed() {
		for (String endpoint : List.of("env", "beans", "configprops", "metrics", "loggers", "heapdump", "threaddump",
				"mappings", "conditions", "scheduledtasks", "shutdown")) {
			assertThat(get("/actuator/" + endpoint).status()).as(endpoint).isEqualTo(404);
		}
		assertThat(get("/actuator/info").status()).isEqualTo(200);
		JsonNode links = get("/actuator").json().path("_links");
		assertThat(links.propertyNames()).containsExactlyInAnyOrder("self", "health", "health-path", "info",
				"prometheus");
	}

	@Test
	void infoNamesTheBuildAndNothingElse() {
		Reply response = get("/actuator/info");
		assertThat(response.status()).isEqualTo(200);
		JsonNode info = response.json();
		assertThat(info.propertyNames()).containsExactly("build");
		JsonNode build = info.path("build");
		assertThat(build.path("name").asString()).isEqualTo("Stompbox");
		assertThat(build.path("artifact").asString()).isEqualTo("stompbox");
		assertThat(build.path("version").asString()).isNotBlank();
		assertThat(Instant.parse(build.path("time").asString())).isBefore(Instant.now());
	}

	@Test
	void shutdownCannotBeTriggeredOverHttp() {
		ServerApi server = ServerApi.on(this.port);
		assertThat(server.send(server.request("/actuator/shutdown", null).POST(HttpRequest.BodyPublishers.noBody()))
			.status()).isEqualTo(404);
		assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);
	}

	@Test
	void prometheusNeedsAMetricsOrPublishToken() {
		Reply anonymous = get("/actuator/prometheus");
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.json().path("error").asString()).isEqualTo("unauthorized");
		assertThat(anonymous.body()).doesNotContain("jvm_");
		Reply user = get("/actuator/prometheus", TestTokens.forUser("nosy"));
		assertThat(user.status()).isEqualTo(403);
		assertThat(user.json().path("message").asString()).isEqualTo("The token lacks scope stompbox:metrics");
		assertThat(get("/actuator/prometheus", ServerApi.PUBLISHER).status()).isEqualTo(200);
	}

	@Test
	void prometheusAnswersWithTextMetrics() {
		Reply response = get("/actuator/prometheus", SCRAPER);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.contentType()).startsWith("text/plain");
		assertThat(response.body()).contains("# HELP").contains("# TYPE").contains("jvm_memory_used_bytes");
	}

	private int openSessions() {
		return websocketHealth().path("details").path("sessions").asInt();
	}

	private JsonNode websocketHealth() {
		Reply response = get("/actuator/health", SCRAPER);
		assertThat(response.status()).isEqualTo(200);
		return response.json().path("components").path("websocket");
	}

	private Reply get(String path) {
		return get(path, null);
	}

	private Reply get(String path, String token) {
		return ServerApi.on(this.port).get(path, token);
	}

}
