package dev.stompbox.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompboxCluster;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterDemoModeIntegrationTests {

	static RedisTestServer redis;

	static StompboxCluster cluster;

	@BeforeAll
	static void startCluster() {
		redis = RedisTestServer.start();
		cluster = StompboxCluster.start(redis, 2, Map.of("stompbox.jwt.secret", "", "stompbox.demo", "true"));
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
		redis.close();
	}

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
