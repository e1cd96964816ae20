package dev.stompbox.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

@ClusterTest(properties = { "stompbox.jwt.secret=", "stompbox.demo=true" })
class ClusterDemoModeIntegrationTests {

	static StompboxCluster cluster;

	@Test
	void demoTokenFromOneInstanceWorksOnEveryInstance() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + cluster.port(0) + "/auth/demo-token"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"alice\",\"name\":\"Alice\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		String token = JsonMapper.builder().build().readTree(response.body()).path("token").asString();
		for (int i = 0; i < cluster.size(); i++) {
			try (StompTestClient client = StompTestClient.connect(cluster.port(i), token)) {
				assertThat(client.join("lobby").path("ok").asBoolean()).isTrue();
			}
		}
	}

}
