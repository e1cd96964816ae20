package dev.stompbox.support;

import java.net.URI;
import java.time.Duration;
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
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A WebSocket that speaks STOMP by hand, for what a well-behaved client library would not
 * send: oversize frames, garbage, frames before CONNECT. It records every text frame it
 * receives and the close status.
 */
public final class RawStompSocket implements AutoCloseable {

	private final WebSocketSession session;

	private final BlockingQueue<String> frames;

	private final CompletableFuture<CloseStatus> closed;

	private RawStompSocket(WebSocketSession session, BlockingQueue<String> frames,
			CompletableFuture<CloseStatus> closed) {
		this.session = session;
		this.frames = frames;
		this.closed = closed;
	}

	public static RawStompSocket open(int port, String pathAndQuery) {
		return open(port, pathAndQuery, new WebSocketHttpHeaders());
	}

	public static RawStompSocket open(int port, String pathAndQuery, WebSocketHttpHeaders headers) {
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
		StandardWebSocketClient client = new StandardWebSocketClient();
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

			}, headers, URI.create("ws://localhost:" + port + pathAndQuery)).get(10, TimeUnit.SECONDS);
			session.setTextMessageSizeLimit(1024 * 1024);
			return new RawStompSocket(session, frames, closed);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Handshake failed", ex);
		}
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
	public String connect(String token) {
		String auth = (token != null) ? "Authorization:Bearer " + token + "\n" : "";
		send("CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n" + auth + "\n\u0000");
		return nextFrame();
	}

	public String nextFrame() {
		try {
			String frame = this.frames.poll(10, TimeUnit.SECONDS);
			if (frame == null) {
				throw new AssertionError("No frame within 10s");
			}
			return frame;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
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

	public CloseStatus awaitClose(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new AssertionError("Connection not closed within " + timeout, ex);
		}
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

}
