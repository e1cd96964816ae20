package dev.stompbox.rebalance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.stompbox.room.MessageId;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

/**
 * A client in one room that obeys {@code reconnect} notices as the demo page does:
 * make-before-break, it connects again where the load balancer sends it, joins with
 * {@code since} the last id it showed, and only then closes the old connection. It shows
 * room messages once each, in id order (a later id only), and records every presence
 * event and move.
 */
final class MovingClient implements AutoCloseable {

	private static final String SYSTEM = "/user/queue/system";

	private final String user;

	private final String room;

	private final IntSupplier balancer;

	private final List<String> shown = new CopyOnWriteArrayList<>();

	private final List<JsonNode> presence = new CopyOnWriteArrayList<>();

	private final List<Move> moves = new CopyOnWriteArrayList<>();

	private final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private final Thread worker;

	private volatile Link current;

	private volatile @Nullable MessageId lastId;

	private volatile boolean closed;

	private MovingClient(String user, String room, int port, IntSupplier balancer) {
		this.user = user;
		this.room = room;
		this.balancer = balancer;
		this.current = open(port, null);
		this.worker = Thread.ofPlatform().name("moving-" + user).daemon().start(this::run);
	}

	/**
	 * Connects to the instance on {@code port}; later connections go where
	 * {@code balancer} says, the next port it gives whenever one refuses.
	 */
	static MovingClient connect(String user, String room, int port, IntSupplier balancer) {
		return new MovingClient(user, room, port, balancer);
	}

	String user() {
		return this.user;
	}

	int port() {
		return this.current.port();
	}

	/** Room message ids shown, in the order shown. */
	List<String> shown() {
		return List.copyOf(this.shown);
	}

	List<JsonNode> presence() {
		return List.copyOf(this.presence);
	}

	List<Move> moves() {
		return List.copyOf(this.moves);
	}

	List<Throwable> failures() {
		return List.copyOf(this.failures);
	}

	private Link open(int port, @Nullable MessageId since) {
		StompTestClient client = StompTestClient.connect(port, TestTokens.forUser(this.user));
		try {
			BlockingQueue<Received> events = client.subscribe("/topic/rooms/" + this.room + "/presence");
			client.ensureUserQueues();
			BlockingQueue<Received> messages = client.subscribe("/topic/rooms/" + this.room);
			JsonNode ack = client.join(this.room, (since != null)
					? Map.of("requestId", "join-" + since, "since", since.toString()) : Map.of("requestId", "join"));
			if (!ack.path("ok").asBoolean() || ack.path("more").asBoolean()) {
				throw new AssertionError(this.user + ": join ACK " + ack);
			}
			for (JsonNode envelope : ack.path("recovered")) {
				show(envelope);
			}
			return new Link(port, client, messages, events);
		}
		catch (RuntimeException | AssertionError ex) {
			client.close();
			throw ex;
		}
	}

	private void run() {
		while (!this.closed) {
			Link link = this.current;
			try {
				Received message = StompTestClient.poll(link.messages(), Duration.ofMillis(20));
				if (message != null) {
					show(message.json());
				}
				drain(link);
				Received notice = link.client().queue(SYSTEM).poll();
				if (notice != null && "reconnect".equals(notice.json().path("type").asString())) {
					move(link, notice.json());
				}
			}
			catch (RuntimeException | AssertionError ex) {
				if (!this.closed) {
					this.failures.add(ex);
				}
			}
		}
	}

	private void move(Link old, JsonNode notice) {
		long noticeAt = System.currentTimeMillis();
		pause(notice.path("retryAfterMs").asLong());
		Link next = null;
		List<String> refused = new ArrayList<>();
		for (int attempt = 0; next == null; attempt++) {
			int port = this.balancer.getAsInt();
			try {
				next = open(port, this.lastId);
			}
			catch (IllegalStateException ex) {
				// Refused (503) or unreachable: the load balancer's next pick, after a
				// short backoff.
				refused.add(Integer.toString(port));
				if (attempt >= 10) {
					throw ex;
				}
				pause(100);
			}
		}
		// What the old connection still holds comes first; the new one repeats some of
		// it.
		drain(old);
		this.current = next;
		old.client().close();
		this.moves.add(new Move(notice.path("reason").asString(), old.port(), next.port(), noticeAt,
				System.currentTimeMillis(), refused));
	}

	private void drain(Link link) {
		for (Received message = link.messages().poll(); message != null; message = link.messages().poll()) {
			show(message.json());
		}
		for (Received event = link.events().poll(); event != null; event = link.events().poll()) {
			this.presence.add(event.json());
		}
	}

	private synchronized void show(JsonNode envelope) {
		MessageId id = MessageId.parse(envelope.path("id").asString());
		MessageId last = this.lastId;
		if (last == null || id.isAfter(last)) {
			this.lastId = id;
			this.shown.add(id.toString());
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.worker.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.current.client().close();
	}

	/**
	 * One move: the notice's reason, from and to which port, when told and when joined
	 * again.
	 */
	record Move(String reason, int from, int to, long noticeAt, long arrivedAt, List<String> refusedBy) {
	}

	private record Link(int port, StompTestClient client, BlockingQueue<Received> messages,
			BlockingQueue<Received> events) {
	}

}
