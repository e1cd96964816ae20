package dev.stompbox.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the server API of a server on a local port over plain HTTP/1.1, as a backend
 * would.
 */
record ApiCalls(int port) {

	/** A backend's token: it may use the server API. */
	static final String PUBLISHER = TestTokens.builder("backend").scope("stompbox:publish").sign();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	Reply post(String path, @Nullable String token, String json) {
		return send(request(path, token).POST(BodyPublishers.ofString(json)));
	}

	Reply get(String path, @Nullable String token) {
		return send(request(path, token).GET());
	}

	HttpRequest.Builder request(String path, @Nullable String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(StompTestClient.TIMEOUT)
			.header("Content-Type", "application/json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request;
	}

	Reply send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = HTTP.send(request.build(), BodyHandlers.ofString());
			return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Publishes {@code count} messages with bodies {@code "m1"}, {@code "m2"}... and
	 * returns their ids.
	 */
	List<String> publish(String room, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			Reply reply = post("/api/rooms/" + room + "/messages", PUBLISHER, "{\"body\":\"m" + i + "\"}");
			assertThat(reply.status()).as(reply.body()).isEqualTo(202);
			ids.add(reply.json().path("id").asString());
		}
		return ids;
	}

	/** A history page that must be answered with 200. */
	JsonNode history(String room, @Nullable String since, @Nullable Integer limit) {
		List<String> query = new ArrayList<>();
		if (since != null) {
			query.add("since=" + since);
		}
		if (limit != null) {
			query.add("limit=" + limit);
		}
		Reply reply = get("/api/rooms/" + room + "/messages" + (query.isEmpty() ? "" : "?" + String.join("&", query)),
				PUBLISHER);
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.json().path("complete").isBoolean()).as(reply.body()).isTrue();
		return reply.json();
	}

	static List<String> ids(JsonNode page) {
		assertThat(page.path("messages").isArray()).as(page.toString()).isTrue();
		return page.path("messages").valueStream().map((m) -> m.path("id").asString()).toList();
	}

	static void assertError(Reply reply, int status, String error) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(status);
		assertThat(reply.contentType()).as(reply.body()).startsWith("application/json");
		assertThat(reply.json().path("error").asString()).as(reply.body()).isEqualTo(error);
		assertThat(reply.json().path("message").isString()).as(reply.body()).isTrue();
	}

	/** A JSON object of exactly {@code size} bytes. */
	static byte[] jsonOfSize(int size) {
		String prefix = "{\"body\":\"";
		String suffix = "\"}";
		byte[] bytes = (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix)
			.getBytes(StandardCharsets.UTF_8);
		assertThat(bytes).hasSize(size);
		return bytes;
	}

	record Reply(int status, String contentType, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
