package dev.stompbox.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.StompTestClient;

/**
 * Plain HTTP calls to a local server's actuator (and anything else), with or without a
 * bearer token.
 */
final class ActuatorCalls {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private ActuatorCalls() {
	}

	static HttpRequest.Builder request(int port, String path, @Nullable String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(StompTestClient.TIMEOUT);
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request;
	}

	static HttpResponse<String> get(int port, String path, @Nullable String token) {
		return send(request(port, path, token).GET().build());
	}

	static HttpResponse<String> send(HttpRequest request) {
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

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

}
