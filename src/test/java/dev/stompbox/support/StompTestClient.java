package dev.stompbox.support;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.springframework.web.socket.sockjs.client.RestTemplateXhrTransport;
import org.springframework.web.socket.sockjs.client.SockJsClient;
import org.springframework.web.socket.sockjs.client.WebSocketTransport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real STOMP client for tests, on Spring's {@link WebSocketStompClient} over
 * {@code /ws} or {@link SockJsClient} over {@code /sockjs}. Messages of every
 * subscription are kept in queues a test polls with a timeout.
 */
public final class StompTestClient implements AutoCloseable {

	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public enum Transport {

		WEBSOCKET, SOCKJS, SOCKJS_XHR, SOCKJS_XHR_POLLING

	}

	private final StompSession session;

	private final WebSocketStompClient client;

	private final Map<String, BlockingQueue<Received>> queues = new ConcurrentHashMap<>();

	private final BlockingQueue<Received> errors;

	private final CompletableFuture<Throwable> lost;

	private StompTestClient(StompSession session, WebSocketStompClient client, BlockingQueue<Received> errors,
			CompletableFuture<Throwable> lost) {
		this.session = session;
		this.client = client;
		this.errors = errors;
		this.lost = lost;
	}

	public static StompTestClient connect(int port, String token) {
		return connect(port, token, Transport.WEBSOCKET);
	}

	/** Connects with the token in the CONNECT frame's {@code Authorization} header. */
	public static StompTestClient connect(int port, String token, Transport transport) {
		StompHeaders connect = new StompHeaders();
		connect.add("Authorization", "Bearer " + token);
		return connect(port, transport, new WebSocketHttpHeaders(), connect, "");
	}

	public static StompTestClient connect(int port, Transport transport, WebSocketHttpHeaders handshake,
			StompHeaders connect, String query) {
		WebSocketStompClient client = new WebSocketStompClient(webSocketClient(transport));
		client.setMessageConverter(new JsonBytesConverter());
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(1);
		scheduler.initialize();
		client.setTaskScheduler(scheduler);
		client.setDefaultHeartbeat(new long[] { 0, 0 });
		BlockingQueue<Received> errors = new LinkedBlockingQueue<>();
		CompletableFuture<Throwable> lost = new CompletableFuture<>();
		String path = (transport == Transport.WEBSOCKET) ? "/ws" : "/sockjs";
		String scheme = (transport == Transport.WEBSOCKET) ? "ws" : "http";
		URI uri = URI.create(scheme + "://localhost:" + port + path + query);
		try {
			StompSession session = client.connectAsync(uri, handshake, connect, new StompSessionHandlerAdapter() {

				@Override
				public void handleFrame(StompHeaders headers, Object payload) {
					errors.add(new Received(headers, (byte[]) payload));
				}

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return byte[].class;
				}

				@Override
				public void handleTransportError(StompSession session, Throwable exception) {
					lost.complete(exception);
				}

			}).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			return new StompTestClient(session, client, errors, lost);
		}
		catch (Exception ex) {
			client.stop();
			scheduler.shutdown();
			throw new IllegalStateException("Could not connect to " + uri, ex);
		}
	}

	private static WebSocketClient webSocketClient(Transport transport) {
		return switch (transport) {
			case WEBSOCKET -> new StandardWebSocketClient();
			case SOCKJS -> new SockJsClient(List.<org.springframework.web.socket.sockjs.client.Transport>of(
					new WebSocketTransport(new StandardWebSocketClient())));
			case SOCKJS_XHR -> new SockJsClient(
					List.<org.springframework.web.socket.sockjs.client.Transport>of(new RestTemplateXhrTransport()));
			case SOCKJS_XHR_POLLING -> {
				RestTemplateXhrTransport polling = new RestTemplateXhrTransport();
				polling.setXhrStreamingDisabled(true);
				yield new SockJsClient(List.<org.springframework.web.socket.sockjs.client.Transport>of(polling));
			}
		};
	}

	public String sessionId() {
		return this.session.getSessionId();
	}

	/** Subscribes and waits for the server's RECEIPT. */
	public BlockingQueue<Received> subscribe(String destination) {
		BlockingQueue<Received> queue = subscribeNoWait(destination, true);
		return queue;
	}

	/**
	 * Subscribes; with {@code awaitReceipt} waits for the RECEIPT the server sends once
	 * the subscription is live.
	 */
	public BlockingQueue<Received> subscribeNoWait(String destination, boolean awaitReceipt) {
		BlockingQueue<Received> queue = this.queues.computeIfAbsent(destination, (key) -> new LinkedBlockingQueue<>());
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		CompletableFuture<Void> receipted = new CompletableFuture<>();
		if (awaitReceipt) {
			headers.setReceipt("r-" + destination);
		}
		StompSession.Subscription subscription = this.session.subscribe(headers, new Queueing(queue));
		if (awaitReceipt) {
			subscription.addReceiptTask(() -> receipted.complete(null));
			subscription.addReceiptLostTask(() -> receipted
				.completeExceptionally(new AssertionError("No RECEIPT for SUBSCRIBE " + destination)));
			receipted.join();
		}
		return queue;
	}

	public void send(String destination, String json) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		this.session.send(headers, json.getBytes(StandardCharsets.UTF_8));
	}

	public void send(String destination, Map<String, ?> body) {
		send(destination, JSON.writeValueAsString(body));
	}

	/** Subscribes to the acks and errors queues, then joins and returns the join ACK. */
	public JsonNode join(String roomId) {
		return join(roomId, Map.of("requestId", "join-" + roomId));
	}

	public JsonNode join(String roomId, Map<String, ?> body) {
		ensureUserQueues();
		send("/app/rooms/" + roomId + "/join", body);
		return awaitAck(
				(ack) -> "join".equals(ack.path("type").asString()) && roomId.equals(ack.path("roomId").asString()));
	}

	/**
	 * Joins asking for what the room had after {@code since} (PROTOCOL.md section 4.1),
	 * as a reconnecting client does; returns the join ACK.
	 */
	public JsonNode joinSince(String roomId, String since) {
		return join(roomId, Map.of("requestId", "join-" + roomId, "since", since));
	}

	/** Subscribes to the room's messages (with receipt) and joins it. */
	public BlockingQueue<Received> subscribeAndJoin(String roomId) {
		BlockingQueue<Received> messages = subscribe("/topic/rooms/" + roomId);
		JsonNode ack = join(roomId);
		if (!ack.path("ok").asBoolean()) {
			throw new AssertionError("Join failed: " + ack);
		}
		return messages;
	}

	public void ensureUserQueues() {
		if (!this.queues.containsKey("/user/queue/acks")) {
			subscribe("/user/queue/acks");
			subscribe("/user/queue/errors");
			subscribe("/user/queue/system");
			subscribe("/user/queue/events");
		}
	}

	public BlockingQueue<Received> queue(String destination) {
		return this.queues.computeIfAbsent(destination, (key) -> new LinkedBlockingQueue<>());
	}

	public JsonNode awaitAck(Predicate<JsonNode> matching) {
		return await("/user/queue/acks", matching);
	}

	public JsonNode awaitAck(String requestId) {
		return awaitAck((ack) -> requestId.equals(ack.path("requestId").asString()));
	}

	public JsonNode awaitError() {
		return await("/user/queue/errors", (error) -> true);
	}

	/** Waits for the next message on a subscribed destination that matches. */
	public JsonNode await(String destination, Predicate<JsonNode> matching) {
		return awaitOn(queue(destination), matching, destination);
	}

	public static JsonNode awaitOn(BlockingQueue<Received> queue, Predicate<JsonNode> matching, String what) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		List<JsonNode> skipped = new ArrayList<>();
		try {
			while (System.nanoTime() < deadline) {
				Received received = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (received == null) {
					break;
				}
				JsonNode json = received.json();
				if (matching.test(json)) {
					return json;
				}
				skipped.add(json);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new AssertionError("Nothing matching arrived on " + what + " within " + TIMEOUT + "; saw " + skipped);
	}

	/** The next message on a queue, or {@code null} when none arrives within the wait. */
	public static Received poll(BlockingQueue<Received> queue, Duration wait) {
		try {
			return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/** ERROR frames the server sent this session. */
	public BlockingQueue<Received> errorFrames() {
		return this.errors;
	}

	public CompletableFuture<Throwable> lost() {
		return this.lost;
	}

	public boolean isConnected() {
		return this.session.isConnected();
	}

	public StompSession session() {
		return this.session;
	}

	@Override
	public void close() {
		try {
			if (this.session.isConnected()) {
				this.session.disconnect();
			}
		}
		catch (RuntimeException ex) {
			// already gone
		}
		this.client.stop();
		if (this.client.getTaskScheduler() instanceof ThreadPoolTaskScheduler scheduler) {
			scheduler.shutdown();
		}
	}

	/** Passes JSON and text payloads through as bytes; the tests parse them. */
	private static final class JsonBytesConverter extends ByteArrayMessageConverter {

		JsonBytesConverter() {
			addSupportedMimeTypes(MimeTypeUtils.APPLICATION_JSON, MimeTypeUtils.TEXT_PLAIN);
		}

	}

	/** A MESSAGE or ERROR frame as it arrived. */
	public record Received(StompHeaders headers, byte[] payload) {

		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		public JsonNode json() {
			return JSON.readTree(this.payload);
		}

	}

	/**
	 * Queues every frame of one subscription, as this client's own subscriptions do: for
	 * a test that subscribes through {@link #session()} with headers of its own.
	 */
	public record Queueing(BlockingQueue<Received> queue) implements StompFrameHandler {

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return byte[].class;
		}

		@Override
		public void handleFrame(StompHeaders headers, Object payload) {
			this.queue.add(new Received(headers, (byte[]) payload));
		}

	}

}
