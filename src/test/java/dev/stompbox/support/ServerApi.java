package dev.stompbox.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain HTTP/1.1 calls to a server on a local port, as a backend, a probe or a scraper
 * makes them: the server API (PROTOCOL.md 7.1) with or without a token, and anything else
 * the server answers, the actuator included. One HTTP client serves every test.
 */
public record ServerApi(int port) {

	/** A backend's token: it may use the server API. */
	public static final String PUBLISHER = TestTokens.builder("backend").scope("stompbox:publish").sign();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	public static ServerApi on(int port) {
		return new ServerApi(port);
	}

	public Reply post(String path, @Nullable String token, String json) {
		return send(request(path, token).POST(BodyPublishers.ofString(json)));
	}

	public Reply get(String path, @Nullable String token) {
		return send(request(path, token).GET());
	}

	/** {@link #post} with the {@link #PUBLISHER} token. */
	public Reply publisherPost(String path, String json) {
		return post(path, PUBLISHER, json);
	}

	/** {@link #get} with the {@link #PUBLISHER} token. */
	public Reply publisherGet(String path) {
		return get(path, PUBLISHER);
	}

	/**
	 * A request to the path with a JSON body's {@code Content-Type}, and with
	 * {@code Authorization: Bearer} when a token is given.
	 */
	public HttpRequest.Builder request(String path, @Nullable String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(StompTestClient.TIMEOUT)
			.header("Content-Type", "application/json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request;
	}

	public Reply send(HttpRequest.Builder request) {
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
	 * Publishes {@code count} messages with bodies {@code "m1"}, {@code "m2"}... to the
	 * room and returns their ids.
	 */
	public List<String> publish(String room, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			Reply reply = publisherPost("/api/rooms/" + room + "/messages", "{\"body\":\"m" + i + "\"}");
			assertThat(reply.status()).as(reply.body()).isEqualTo(202);
			ids.add(reply.json().path("id").asString());
		}
		return ids;
	}

	/** A history page of the room that must be answered with 200. */
	public JsonNode history(String room, @Nullable String since, @Nullable Integer limit) {
		List<String> query = new ArrayList<>();
		if (since != null) {
			query.add("since=" + since);
		}
		if (limit != null) {
			query.add("limit=" + limit);
		}
		Reply reply = publisherGet(
				"/api/rooms/" + room + "/messages" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.json().path("complete").isBoolean()).as(reply.body()).isTrue();
		return reply.json();
	}

	/** The room's presence as the server API lists it, answered with 200. */
	public JsonNode presence(String room) {
		Reply reply = publisherGet("/api/rooms/" + room + "/presence");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		return reply.json();
	}

	/** The ids of the messages of a history page. */
	public static List<String> ids(JsonNode page) {
		assertThat(page.path("messages").isArray()).as(page.toString()).isTrue();
		return page.path("messages").valueStream().map((m) -> m.path("id").asString()).toList();
	}

	/** Checks that the reply is an error answer of the server API (PROTOCOL.md 7.1). */
	public static void assertError(Reply reply, int status, String error) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(status);
		assertThat(reply.contentType()).as(reply.body()).startsWith("application/json");
		assertThat(reply.json().path("error").asString()).as(reply.body()).isEqualTo(error);
		assertThat(reply.json().path("message").isString()).as(reply.body()).isTrue();
	}

	/** An answer: its status, {@code Content-Type} ({@code ""} without one) and body. */
	public record Reply(int status, String contentType, String body) {

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
