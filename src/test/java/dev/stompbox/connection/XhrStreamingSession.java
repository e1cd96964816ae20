package dev.stompbox.connection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.session.StompEndpoints;
import dev.stompbox.support.Queues;

/**
 * A SockJS session over xhr-streaming spoken by hand, for what SockJS clients would not
 * send: an oversized {@code xhr_send} body, no CONNECT at all. The STOMP frames the
 * server sends and the SockJS close frame are read from the stream as they come.
 */
final class XhrStreamingSession implements AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** A close frame's place in the queue: its code, set apart from STOMP frames. */
	private static final String CLOSE = "\u0000close:";

	private final HttpClient http;

	private final String base;

	private final String sessionId;

	private final InputStream stream;

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private XhrStreamingSession(HttpClient http, String base, String sessionId, InputStream stream) {
		this.http = http;
		this.base = base;
		this.sessionId = sessionId;
		this.stream = stream;
	}

	/** Opens a session and waits for SockJS's open frame. */
	static XhrStreamingSession open(int port) {
		HttpClient http = HttpClient.newHttpClient();
		String sessionId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String base = "http://localhost:" + port + StompEndpoints.SOCKJS + "/000/" + sessionId;
		HttpResponse<InputStream> response = exchange(http,
				HttpRequest.newBuilder(URI.create(base + "/xhr_streaming")).POST(BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		if (response.statusCode() != 200) {
			throw new AssertionError("xhr_streaming answered " + response.statusCode());
		}
		XhrStreamingSession session = new XhrStreamingSession(http, base, sessionId, response.body());
		Thread.ofVirtual().start(session::read);
		String open = session.next();
		if (!"o".equals(open)) {
			throw new AssertionError("Expected SockJS's open frame, got " + open);
		}
		return session;
	}

	String sessionId() {
		return this.sessionId;
	}

	/** Sends STOMP frames in one {@code xhr_send} and returns its HTTP status. */
	int send(String... frames) {
		return send(BodyPublishers.ofString(JSON.writeValueAsString(List.of(frames)), StandardCharsets.UTF_8));
	}

	/**
	 * Sends a body of any size and shape to {@code xhr_send} and returns the HTTP status.
	 */
	int send(BodyPublisher body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + "/xhr_send"))
			.timeout(WAIT)
			.header("Content-Type", "text/plain;charset=UTF-8")
			.POST(body)
			.build();
		return exchange(this.http, request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static <T> HttpResponse<T> exchange(HttpClient http, HttpRequest request,
			HttpResponse.BodyHandler<T> body) {
		try {
			return http.send(request, body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** The next STOMP frame the server sent, heart-beat end-of-lines skipped. */
	String nextCommandFrame() {
		while (true) {
			String frame = next();
			if (frame.startsWith(CLOSE)) {
				throw new AssertionError("Session closed with " + frame.substring(CLOSE.length()));
			}
			if (!frame.isBlank()) {
				return frame;
			}
		}
	}

	/** The code of SockJS's close frame; STOMP frames before it are skipped. */
	int awaitClose() {
		while (true) {
			String frame = next();
			if (frame.startsWith(CLOSE)) {
				return Integer.parseInt(frame.substring(CLOSE.length()));
			}
		}
	}

	private String next() {
		return Queues.next(this.received, WAIT, "SockJS frame on the stream");
	}

	/**
	 * One SockJS frame a line: the prelude and heart-beats of h, o, a[...] messages,
	 * c[code,reason].
	 */
	private void read() {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.stream, StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				if (line.equals("o")) {
					this.received.add(line);
				}
				else if (line.startsWith("a")) {
					for (JsonNode message : JSON.readTree(line.substring(1))) {
						this.received.add(message.asString());
					}
				}
				else if (line.startsWith("c")) {
					this.received.add(CLOSE + JSON.readTree(line.substring(1)).get(0).asInt());
				}
			}
		}
		catch (IOException ex) {
			// The stream ended: what it carried is in the queue.
		}
	}

	@Override
	public void close() {
		try {
			this.stream.close();
		}
		catch (IOException ex) {
			// already closed
		}
		this.http.shutdownNow();
	}

}
