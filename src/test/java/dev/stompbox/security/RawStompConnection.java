package dev.stompbox.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.sockjs.client.SockJsClient;
import org.springframework.web.socket.sockjs.client.Transport;
import org.springframework.web.socket.sockjs.client.WebSocketTransport;

/**
 * STOMP frames written by hand over {@code /ws} or over SockJS at {@code /sockjs}: what
 * the server answers a CONNECT with, and the close status it ends the connection with, on
 * either endpoint. ({@code dev.stompbox.support.RawStompSocket} does the same for
 * {@code /ws} only.)
 */
final class RawStompConnection implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	enum Endpoint {

		WEBSOCKET, SOCKJS

	}

	private final WebSocketSession session;

	private final BlockingQueue<String> frames;

	private final CompletableFuture<CloseStatus> closed;

	private RawStompConnection(WebSocketSession session, BlockingQueue<String> frames,
			CompletableFuture<CloseStatus> closed) {
		this.session = session;
		this.frames = frames;
		this.closed = closed;
	}

	static RawStompConnection open(int port, Endpoint endpoint) {
		return open(port, endpoint, "", new WebSocketHttpHeaders());
	}

	static RawStompConnection open(int port, Endpoint endpoint, String query, WebSocketHttpHeaders headers) {
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
		WebSocketClient client = (endpoint == Endpoint.WEBSOCKET) ? new StandardWebSocketClient()
				: new SockJsClient(List.<Transport>of(new WebSocketTransport(new StandardWebSocketClient())));
		URI uri = URI.create((endpoint == Endpoint.WEBSOCKET) ? "ws://localhost:" + port + "/ws" + query
				: "http://localhost:" + port + "/sockjs" + query);
		headers.setSecWebSocketProtocol("v12.stomp");
		try {
			WebSocketSession session = client.execute(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) {
					frames.add(message.getPayload());
				}

				@Override
				public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
					closed.complete(status);
				}

			}, headers, uri).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			return new RawStompConnection(session, frames, closed);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not open " + uri, ex);
		}
	}

	void send(String frame) {
		try {
			this.session.sendMessage(new TextMessage(frame));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends a CONNECT with the given extra header lines ({@code name:value}) and returns
	 * the answer.
	 */
	String connect(String... headerLines) {
		StringBuilder frame = new StringBuilder("CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n");
		for (String line : headerLines) {
			frame.append(line).append('\n');
		}
		send(frame.append("\n\u0000").toString());
		return nextCommandFrame();
	}

	/**
	 * Sends a CONNECT carrying {@code Authorization: Bearer <token>} and returns the
	 * answer.
	 */
	String connectWithBearer(String token) {
		return connect("Authorization:Bearer " + token);
	}

	/** The next frame other than a heart-beat. */
	String nextCommandFrame() {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		try {
			while (true) {
				String frame = this.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (frame == null) {
					throw new AssertionError("No frame within " + TIMEOUT);
				}
				if (!frame.isBlank()) {
					return frame;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	CloseStatus awaitClose() {
		return awaitClose(TIMEOUT);
	}

	CloseStatus awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new AssertionError("Connection not closed within " + timeout, ex);
		}
	}

	CompletableFuture<CloseStatus> closed() {
		return this.closed;
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

	@Override
	public void close() {
		try {
			this.session.close();
		}
		catch (Exception ex) {
			// already closed
		}
	}

	/** The STOMP command of a frame: its first line. */
	static String command(String frame) {
		return frame.substring(0, frame.indexOf('\n'));
	}

	/** The value of a header of a frame, or {@code null}. */
	static String header(String frame, String name) {
		int end = frame.indexOf("\n\n");
		for (String line : frame.substring(0, (end < 0) ? frame.length() : end).split("\n")) {
			if (line.startsWith(name + ":")) {
				return line.substring(name.length() + 1);
			}
		}
		return null;
	}

	/** The body of a frame, without the NUL that ends it. */
	static String body(String frame) {
		int start = frame.indexOf("\n\n");
		String body = (start < 0) ? "" : frame.substring(start + 2);
		return body.endsWith("\u0000") ? body.substring(0, body.length() - 1) : body;
	}

}
