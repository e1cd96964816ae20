package dev.stompbox.health;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.instance.InstanceId;
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

	private static final String PUBLISHER = TestTokens.builder("backend").scope("stompbox:publish").sign();

	@LocalServerPort
	int port;

	@Autowired
	InstanceId instanceId;

	@Test
	void livenessProbeIsUpWithoutAToken() {
		HttpResponse<String> response = get("/actuator/health/liveness");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ActuatorCalls.json(response).path("status").asString()).isEqualTo("UP");
	}

	@Test
	void readinessProbeIsUpWithoutAToken() {
		HttpResponse<String> response = get("/actuator/health/readiness");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(ActuatorCalls.json(response).path("status").asString()).isEqualTo("UP");
	}

	@Test
	void healthShowsOnlyTheStatusWithoutAMetricsToken() {
		for (String token : new String[] { null, TestTokens.forUser("nosy") }) {
			HttpResponse<String> response = get("/actuator/health", token);
			assertThat(response.statusCode()).isEqualTo(200);
			// The probe groups' names are all there is besides the status.
			assertThat(ActuatorCalls.json(response).propertyNames()).containsExactlyInAnyOrder("status", "groups");
			assertThat(response.body()).doesNotContain("health-test").doesNotContain("maxConnections");
			assertThat(get("/actuator/health/websocket", token).statusCode()).isEqualTo(404);
		}
	}

	@Test
	void healthShowsTheComponentsToAMetricsOrPublishToken() {
		for (String token : List.of(SCRAPER, PUBLISHER)) {
			HttpResponse<String> response = get("/actuator/health", token);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(ActuatorCalls.json(response)
				.path("components")
				.path("websocket")
				.path("details")
				.path("instanceId")
				.asString()).isEqualTo("health-test");
			assertThat(get("/actuator/health/websocket", token).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aBadTokenOnAProbeIsRefusedRatherThanIgnored() {
		HttpResponse<String> response = get("/actuator/health",
				TestTokens.builder("forger")
					.scope("stompbox:metrics")
					.secret("another-secret-that-is-at-least-32-bytes")
					.sign());
		assertThat(response.statusCode()).isEqualTo(401);
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
		HttpResponse<String> response = get("/actuator/health", SCRAPER);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode health = ActuatorCalls.json(response);
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").has("websocket")).isTrue();
		assertThat(health.path("components").has("redis")).isFalse();
	}

	@Test
	void onlyHealthInfoAndPrometheusAreExposed() {
		for (String endpoint : List.of("env", "beans", "configprops", "metrics", "loggers", "heapdump", "threaddump",
				"mappings", "conditions", "scheduledtasks", "shutdown")) {
			assertThat(get("/actuator/" + endpoint).statusCode()).as(endpoint).isEqualTo(404);
		}
		assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
		JsonNode links = ActuatorCalls.json(get("/actuator")).path("_links");
		assertThat(links.propertyNames()).containsExactlyInAnyOrder("self", "health", "health-path", "info",
				"prometheus");
	}

	@Test
	void infoNamesTheBuildAndNothingElse() {
		HttpResponse<String> response = get("/actuator/info");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode info = ActuatorCalls.json(response);
		assertThat(info.propertyNames()).containsExactly("build");
		JsonNode build = info.path("build");
		assertThat(build.path("name").asString()).isEqualTo("Stompbox");
		assertThat(build.path("artifact").asString()).isEqualTo("stompbox");
		assertThat(build.path("version").asString()).isNotBlank();
		assertThat(Instant.parse(build.path("time").asString())).isBefore(Instant.now());
	}

	@Test
	void shutdownCannotBeTriggeredOverHttp() {
		HttpRequest post = ActuatorCalls.request(this.port, "/actuator/shutdown", null)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		assertThat(ActuatorCalls.send(post).statusCode()).isEqualTo(404);
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
	}

	@Test
	void prometheusNeedsAMetricsOrPublishToken() {
		HttpResponse<String> anonymous = get("/actuator/prometheus");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(ActuatorCalls.json(anonymous).path("error").asString()).isEqualTo("unauthorized");
		assertThat(anonymous.body()).doesNotContain("jvm_");
		HttpResponse<String> user = get("/actuator/prometheus", TestTokens.forUser("nosy"));
		assertThat(user.statusCode()).isEqualTo(403);
		assertThat(ActuatorCalls.json(user).path("message").asString())
			.isEqualTo("The token lacks scope stompbox:metrics");
		assertThat(get("/actuator/prometheus", PUBLISHER).statusCode()).isEqualTo(200);
	}

	@Test
	void prometheusAnswersWithTextMetrics() {
		HttpResponse<String> response = get("/actuator/prometheus", SCRAPER);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
		assertThat(response.body()).contains("# HELP").contains("# TYPE").contains("jvm_memory_used_bytes");
	}

	private int openSessions() {
		return websocketHealth().path("details").path("sessions").asInt();
	}

	private JsonNode websocketHealth() {
		HttpResponse<String> response = get("/actuator/health", SCRAPER);
		assertThat(response.statusCode()).isEqualTo(200);
		return ActuatorCalls.json(response).path("components").path("websocket");
	}

	private HttpResponse<String> get(String path) {
		return get(path, null);
	}

	private HttpResponse<String> get(String path, String token) {
		return ActuatorCalls.get(this.port, path, token);
	}

}
