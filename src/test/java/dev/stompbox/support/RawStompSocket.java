package dev.stompbox.support;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket (or SockJS over its WebSocket transport) that speaks STOMP by hand, for
 * what a well-behaved client library would not send: oversize frames, garbage, frames
 * before CONNECT, CONNECT headers of every kind. It records every text frame it receives
 * and the close status, and reads frames' commands, headers and bodies.
 */
public final class RawStompSocket implements AutoCloseable {

	/** How long to wait for a frame, the handshake or the close. */
	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final WebSocketSession session;

	private final BlockingQueue<String> frames;

	private final CompletableFuture<CloseStatus> closed;

	private RawStompSocket(WebSocketSession session, BlockingQueue<String> frames,
			CompletableFuture<CloseStatus> closed) {
		this.session = session;
		this.frames = frames;
		this.closed = closed;
	}

	/**
	 * Opens the WebSocket at the path ({@code /ws}, say), or a SockJS session over its
	 * WebSocket transport when the path starts with {@code /sockjs}.
	 */
	public static RawStompSocket open(int port, String pathAndQuery) {
		return open(port, pathAndQuery, new WebSocketHttpHeaders());
	}

	public static RawStompSocket open(int port, String pathAndQuery, WebSocketHttpHeaders headers) {
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
		boolean sockJs = pathAndQuery.startsWith("/sockjs");
		WebSocketClient client = sockJs
				? new SockJsClient(List.<Transport>of(new WebSocketTransport(new StandardWebSocketClient())))
				: new StandardWebSocketClient();
		URI uri = URI.create((sockJs ? "http" : "ws") + "://localhost:" + port + pathAndQuery);
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
			if (!sockJs) {
				session.setTextMessageSizeLimit(1024 * 1024);
			}
			return new RawStompSocket(session, frames, closed);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not open " + uri, ex);
		}
	}

	/** Opens {@code /ws} and connects with the token, which must be accepted. */
	public static RawStompSocket connected(int port, String token) {
		RawStompSocket socket = open(port, "/ws");
		String answer = socket.connect(token);
		assertThat(command(answer)).as(answer).isEqualTo("CONNECTED");
		return socket;
	}

	public void send(String frame) {
		try {
			this.session.sendMessage(new TextMessage(frame));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends the frame as several WebSocket messages of at most {@code size} characters
	 * each, as STOMP.js and others split a large frame.
	 */
	public void sendInMessages(String frame, int size) {
		for (int start = 0; start < frame.length(); start += size) {
			send(frame.substring(start, Math.min(frame.length(), start + size)));
		}
	}

	/**
	 * Sends one part of a WebSocket message (a fragmented message); the server sees the
	 * message once the part with {@code last} arrives.
	 */
	public void sendPart(String part, boolean last) {
		try {
			this.session.sendMessage(new TextMessage(part, last));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Sends CONNECT, optionally with a bearer token, and returns the answering frame. */
	public String connect(@Nullable String token) {
		return (token != null) ? connectWith("Authorization:Bearer " + token) : connectWith();
	}

	/**
	 * Sends CONNECT with a bearer token and the client's {@code heart-beat} header
	 * ({@code cx,cy}), and returns the answering frame.
	 */
	public String connect(String token, String heartBeat) {
		return sendConnect(heartBeat, "Authorization:Bearer " + token);
	}

	/**
	 * Sends a CONNECT with the given extra header lines ({@code name:value}) and returns
	 * the answering frame.
	 */
	public String connectWith(String... headerLines) {
		return sendConnect("0,0", headerLines);
	}

	private String sendConnect(String heartBeat, String... headerLines) {
		StringBuilder frame = new StringBuilder(
				"CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:" + heartBeat + "\n");
		for (String line : headerLines) {
			frame.append(line).append('\n');
		}
		send(frame.append("\n\u0000").toString());
		return nextCommandFrame();
	}

	public String nextFrame() {
		return Queues.next(this.frames, TIMEOUT, "frame");
	}

	/** The next frame with a STOMP command other than a heart-beat. */
	public String nextCommandFrame() {
		String frame;
		do {
			frame = nextFrame();
		}
		while (frame.isBlank());
		return frame;
	}

	/**
	 * Checks that the next frame is an ERROR frame with the code as its {@code message}
	 * and that the server then closes with the status.
	 */
	public void assertRefused(String code, CloseStatus status) {
		String error = nextCommandFrame();
		assertThat(command(error)).as(error).isEqualTo("ERROR");
		assertThat(header(error, "message")).isEqualTo(code);
		assertThat(awaitClose().getCode()).isEqualTo(status.getCode());
	}

	public CloseStatus awaitClose() {
		return awaitClose(TIMEOUT);
	}

	public CloseStatus awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new AssertionError("Connection not closed within " + timeout, ex);
		}
	}

	public CompletableFuture<CloseStatus> closed() {
		return this.closed;
	}

	public boolean isOpen() {
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

	/** The command line of a frame, with heart-beat end-of-lines before it skipped. */
	public static String command(String frame) {
		String trimmed = frame.stripLeading();
		int end = trimmed.indexOf('\n');
		return (end < 0) ? trimmed : trimmed.substring(0, end);
	}

	/** The first value of a header of a frame, or {@code null}. */
	public static @Nullable String header(String frame, String name) {
		String trimmed = frame.stripLeading();
		int end = trimmed.indexOf("\n\n");
		String[] lines = ((end < 0) ? trimmed : trimmed.substring(0, end)).split("\n");
		for (int i = 1; i < lines.length; i++) {
			if (lines[i].startsWith(name + ":")) {
				return lines[i].substring(name.length() + 1);
			}
		}
		return null;
	}

	/** The body of a frame, up to the NUL that ends it. */
	public static String body(String frame) {
		int start = frame.indexOf("\n\n");
		String body = (start < 0) ? "" : frame.substring(start + 2);
		int nul = body.indexOf('\u0000');
		return (nul < 0) ? body : body.substring(0, nul);
	}

}
