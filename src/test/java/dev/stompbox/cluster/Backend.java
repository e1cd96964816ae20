package dev.stompbox.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

/**
 * What a backend or a load balancer does over HTTP against one instance of a cluster: the
 * server API with a {@code stompbox:publish} token, and the health probes.
 */
final class Backend {

	/** A backend's token: it may use the server API. */
	static final String PUBLISHER = TestTokens.builder("backend").scope("stompbox:publish").sign();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private Backend() {
	}

	static Reply post(int port, String path, String json) {
		return send(
				request(port, path).header("Authorization", "Bearer " + PUBLISHER).POST(BodyPublishers.ofString(json)));
	}

	static Reply get(int port, String path) {
		return send(request(port, path).header("Authorization", "Bearer " + PUBLISHER).GET());
	}

	/** The status of a health probe, for example {@code /actuator/health/readiness}. */
	static int probe(int port, String path) {
		return send(request(port, path).GET()).status();
	}

	private static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(StompTestClient.TIMEOUT)
			.header("Content-Type", "application/json");
	}

	private static Reply send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = HTTP.send(request.build(), BodyHandlers.ofString());
			return new Reply(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Reply(int status, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
