package dev.stompbox.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One SockJS session driven with raw HTTP requests, as sockjs-client sends them, each to
 * the instance the test picks: {@code POST
 * /sockjs/000/{session}/xhr_send|xhr|xhr_streaming} with the token in the address.
 */
public final class RawSockJsSession implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Longer than SockJS's 25 s heartbeat, which answers a poll that has nothing else.
	 */
	public static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final String path;

	private final String query;

	private RawSockJsSession(String path, String query) {
		this.path = path;
		this.query = query;
	}

	/** A new session id, whose requests carry the token in the address. */
	public static RawSockJsSession withToken(String token) {
		return new RawSockJsSession(
				"/sockjs/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/",
				"?access_token=" + token);
	}

	/** The same session, addressed with another user's token. */
	public RawSockJsSession as(String token) {
		return new RawSockJsSession(this.path, "?access_token=" + token);
	}

	public String id() {
		return this.path.split("/")[3];
	}

	public HttpResponse<String> post(int port, String transport, String body) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + this.path + transport + this.query))
			.timeout(TIMEOUT)
			.header("Content-Type", "text/plain;charset=UTF-8")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** Sends STOMP frames in one {@code xhr_send}; returns its status. */
	public int send(int port, String... frames) throws IOException, InterruptedException {
		return post(port, "xhr_send", JSON.writeValueAsString(List.of(frames))).statusCode();
	}

	/** One {@code xhr} poll: the SockJS frames of its answer, parsed. */
	public Answer poll(int port) throws IOException, InterruptedException {
		HttpResponse<String> response = post(port, "xhr", "");
		List<String> messages = new ArrayList<>();
		String body = response.body().trim();
		char kind = body.isEmpty() ? ' ' : body.charAt(0);
		if (kind == 'a') {
			messages.addAll(messages(body));
		}
		return new Answer(response.statusCode(), kind, body, messages);
	}

	/**
	 * One {@code xhr_streaming} request, read on a thread of its own: every SockJS line
	 * after the prelude goes to the queue as it arrives, and the queue ends with
	 * {@link Answer#END}.
	 * @return the response's status, once its head arrived
	 */
	public int stream(int port, BlockingQueue<String> lines) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + this.path + "xhr_streaming" + this.query))
			.header("Content-Type", "text/plain;charset=UTF-8")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		Thread.ofVirtual().start(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					if (!line.isEmpty() && !line.chars().allMatch((c) -> c == 'h')) {
						lines.add(line);
					}
				}
			}
			catch (IOException ex) {
				lines.add("error " + ex.getMessage());
			}
			lines.add(Answer.END);
		});
		return response.statusCode();
	}

	/** The SockJS messages of an {@code a[...]} frame: STOMP frames. */
	public static List<String> messages(String frame) {
		List<String> messages = new ArrayList<>();
		for (JsonNode message : JSON.readTree(frame.substring(1))) {
			messages.add(message.asString());
		}
		return messages;
	}

	@Override
	public void close() {
		// A streaming response may still be open: close() would wait for it.
		this.http.shutdownNow();
	}

	/**
	 * @param kind {@code o}, {@code a}, {@code h} or {@code c}, blank for an empty body
	 * @param messages the STOMP frames of an {@code a} frame
	 */
	public record Answer(int status, char kind, String body, List<String> messages) {

		public static final String END = "<end>";

	}

}
