package dev.stompbox.health;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ServerApi;
import dev.stompbox.support.ServerApi.Reply;
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

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void actuatorIsNotOnTheMainPort() {
		assertThat(this.managementPort).isNotEqualTo(this.port).isPositive();
		for (String path : new String[] { "/actuator", "/actuator/health", "/actuator/health/readiness",
				"/actuator/prometheus", "/actuator/info" }) {
			assertThat(get(this.port, path).status()).as(path).isEqualTo(404);
		}
	}

	@Test
	void probesAnswerOnTheManagementPort() {
		for (String probe : new String[] { "/actuator/health/liveness", "/actuator/health/readiness" }) {
			Reply response = get(this.managementPort, probe);
			assertThat(response.status()).as(probe).isEqualTo(200);
			assertThat(response.json().path("status").asString()).isEqualTo("UP");
		}
	}

	@Test
	void healthShowsItsComponentsWithoutAToken() {
		Reply response = get(this.managementPort, "/actuator/health");
		assertThat(response.status()).isEqualTo(200);
		JsonNode websocket = response.json().path("components").path("websocket");
		assertThat(websocket.path("status").asString()).isEqualTo("UP");
		assertThat(websocket.path("details").path("instanceId").asString()).isEqualTo("management-test");
		assertThat(get(this.managementPort, "/actuator/health/websocket").status()).isEqualTo(200);
	}

	@Test
	void prometheusAnswersWithoutAToken() {
		Reply response = get(this.managementPort, "/actuator/prometheus");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("stompbox_connections{stompbox_instance=\"management-test\"}");
	}

	@Test
	void infoAnswersOnTheManagementPort() {
		Reply response = get(this.managementPort, "/actuator/info");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().path("build").path("artifact").asString()).isEqualTo("stompbox");
	}

	@Test
	void theMainPortStillGuardsTheServerApi() {
		assertThat(get(this.port, "/api/rooms/r/presence").status()).isEqualTo(401);
		assertThat(get(this.managementPort, "/api/rooms/r/presence").status()).isEqualTo(404);
	}

	private static Reply get(int port, String path) {
		return ServerApi.on(port).get(path, null);
	}

}
