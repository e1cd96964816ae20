package dev.stompbox.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code management.server.port} set (Kubernetes: a port the Service does not
 * expose), actuator leaves the main port and serves everything on its own port without a
 * token: the probes, the health components and the metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.instance-id=management-test", "management.server.port=0" })
class ManagementPortIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void actuatorIsNotOnTheMainPort() {
		assertThat(this.managementPort).isNotEqualTo(this.port).isPositive();
		for (String path : new String[] { "/actuator", "/actuator/health", "/actuator/health/readiness",
				"/actuator/prometheus", "/actuator/info" }) {
			assertThat(get(this.port, path).statusCode()).as(path).isEqualTo(404);
		}
	}

	@Test
	void probesAnswerOnTheManagementPort() {
		for (String probe : new String[] { "/actuator/health/liveness", "/actuator/health/readiness" }) {
			HttpResponse<String> response = get(this.managementPort, probe);
			assertThat(response.statusCode()).as(probe).isEqualTo(200);
			assertThat(json(response).path("status").asString()).isEqualTo("UP");
		}
	}

	@Test
	void healthShowsItsComponentsWithoutAToken() {
		HttpResponse<String> response = get(this.managementPort, "/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode websocket = json(response).path("components").path("websocket");
		assertThat(websocket.path("status").asString()).isEqualTo("UP");
		assertThat(websocket.path("details").path("instanceId").asString()).isEqualTo("management-test");
		assertThat(get(this.managementPort, "/actuator/health/websocket").statusCode()).isEqualTo(200);
	}

	@Test
	void prometheusAnswersWithoutAToken() {
		HttpResponse<String> response = get(this.managementPort, "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("stompbox_connections{stompbox_instance=\"management-test\"}");
	}

	@Test
	void infoAnswersOnTheManagementPort() {
		HttpResponse<String> response = get(this.managementPort, "/actuator/info");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).path("build").path("artifact").asString()).isEqualTo("stompbox");
	}

	@Test
	void theMainPortStillGuardsTheServerApi() {
		assertThat(get(this.port, "/api/rooms/r/presence").statusCode()).isEqualTo(401);
		assertThat(get(this.managementPort, "/api/rooms/r/presence").statusCode()).isEqualTo(404);
	}

	private static HttpResponse<String> get(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(StompTestClient.TIMEOUT)
			.GET()
			.build();
		try {
			return HTTP.send(request, BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

}
