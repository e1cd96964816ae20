package dev.stompbox.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.instance.Mode;

/**
 * Stompbox's own meters, all named {@code stompbox.*} here and nowhere else. Features
 * record through the typed methods; each meter is registered once, up front, so recording
 * builds no tags. Gauges read the feature's own state when scraped: a feature hands over
 * the object and how to read it, and the gauge holds it weakly, as Micrometer's gauges
 * do.
 */
@Component
public class StompboxMetrics {

	static final String INSTANCE_TAG = "stompbox.instance";

	private final MeterRegistry registry;

	private final Counter connects;

	private final EnumCounters<HandshakeRefusal> refusals;

	private final EnumCounters<CloseReason> disconnects;

	private final EnumCounters<InboundKind> inbound;

	private final EnumCounters<OutboundKind> outbound;

	private final EnumCounters<ErrorCode> errors;

	private final Counter rateLimited;

	private final EnumCounters<RebalanceReason> moved;

	private final Timer relayLag;

	private final Timer sockJsSendRelay;

	private final Timer sockJsReceiveRelay;

	private final Counter sockJsRelayedWrites;

	public StompboxMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.connects = Counter.builder("stompbox.connects")
			.description("WebSocket and SockJS connections opened")
			.register(registry);
		this.refusals = new EnumCounters<>(registry, "stompbox.handshakes.refused",
				"WebSocket and SockJS handshakes refused, by why: origin (403), token (401), unavailable (503)",
				"reason", HandshakeRefusal.class);
		this.disconnects = new EnumCounters<>(registry, "stompbox.disconnects",
				"Connections closed, by the reason their close code gives", "reason", CloseReason.class);
		this.inbound = new EnumCounters<>(registry, "stompbox.messages.inbound",
				"STOMP frames received from clients, refused ones included", "kind", InboundKind.class);
		this.outbound = new EnumCounters<>(registry, "stompbox.messages.outbound",
				"MESSAGE frames sent to clients, one per receiving subscription", "kind", OutboundKind.class);
		this.errors = new EnumCounters<>(registry, "stompbox.errors",
				"Errors reported to clients, on /user/queue/errors or in an ERROR frame", "code", ErrorCode.class,
				ErrorCode::code);
		this.rateLimited = Counter.builder("stompbox.rate.limited")
			.description("SENDs dropped because their session went over its rate")
			.register(registry);
		this.moved = new EnumCounters<>(registry, "stompbox.rebalance.moved",
				"Clients told to reconnect elsewhere by rebalancing, by why: revision or load", "reason",
				RebalanceReason.class);
		this.relayLag = Latencies.timer(registry, "stompbox.relay.lag",
				"Time from a room message's ts to its hand-over to this instance's subscribers", Tags.empty(),
				Duration.ofMillis(1), Duration.ofSeconds(30));
		this.sockJsSendRelay = Latencies.timer(registry, "stompbox.sockjs.relay",
				"Time from relaying a SockJS request to the instance holding its session until that one answered",
				Tags.of("kind", "send"), Duration.ofNanos(100_000), Duration.ofSeconds(5));
		this.sockJsReceiveRelay = Latencies.timer(registry, "stompbox.sockjs.relay",
				"Time from relaying a SockJS request to the instance holding its session until that one answered",
				Tags.of("kind", "receive"), Duration.ofNanos(100_000), Duration.ofSeconds(5));
		this.sockJsRelayedWrites = Counter.builder("stompbox.sockjs.relay.writes")
			.description("Writes of SockJS frames relayed from the instance holding the session to another's client")
			.register(registry);
	}

	/** A WebSocket or SockJS connection opened. */
	public void connected() {
		this.connects.increment();
	}

	/**
	 * Counts a handshake by its answer's HTTP status when that status is a refusal
	 * ({@link HandshakeRefusal#of}); any other answer is not counted.
	 */
	public void handshakeAnswered(int status) {
		HandshakeRefusal refusal = HandshakeRefusal.of(status);
		if (refusal != null) {
			this.refusals.increment(refusal);
		}
	}

	/** A connection that {@link #connected()} closed with this status. */
	public void disconnected(CloseStatus status) {
		this.disconnects.increment(CloseReason.of(status));
	}

	public void inbound(InboundKind kind) {
		this.inbound.increment(kind);
	}

	public void outbound(OutboundKind kind) {
		this.outbound.increment(kind);
	}

	/** The same frame written to {@code frames} subscribers at once. */
	public void outbound(OutboundKind kind, int frames) {
		this.outbound.increment(kind, frames);
	}

	/** An error reached a client, as a per-session error or as a STOMP ERROR frame. */
	public void error(ErrorCode code) {
		this.errors.increment(code);
	}

	public void rateLimited() {
		this.rateLimited.increment();
	}

	/**
	 * A client was sent a {@code rebalance} notice: it is being moved to another
	 * instance.
	 */
	public void clientMoved(RebalanceReason reason) {
		this.moved.increment(reason);
	}

	/**
	 * The timer for the publishes of the relay of this mode: in memory, or through Redis.
	 */
	public RelayPublishTimer relayPublish(Mode mode) {
		Tags tags = Tags.of("mode", (mode == Mode.CLUSTER) ? "redis" : "memory");
		return new RelayPublishTimer(publishTimer(tags.and("outcome", "ok")),
				publishTimer(tags.and("outcome", "duplicate")), publishTimer(tags.and("outcome", "error")));
	}

	/**
	 * A room message is handed to this instance's subscribers this long after its
	 * {@code ts}. Less than nothing (clocks apart) counts as nothing.
	 */
	public void relayLag(long millis) {
		this.relayLag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
	}

	/** {@code stompbox.connections}: the connections open on this instance. */
	public <T> void openConnections(T source, ToDoubleFunction<T> count) {
		Gauge.builder("stompbox.connections", source, count)
			.description("WebSocket and SockJS connections open on this instance")
			.register(this.registry);
	}

	/**
	 * {@code stompbox.presence.sessions}: this instance's sessions that have joined a
	 * room.
	 */
	public <T> void presenceSessions(T source, ToDoubleFunction<T> count) {
		Gauge.builder("stompbox.presence.sessions", source, count)
			.description("Sessions on this instance joined to at least one room")
			.register(this.registry);
	}

	/**
	 * {@code stompbox.outbound.buffer}: bytes waiting in the send buffers of all
	 * sessions, and {@code stompbox.outbound.buffer.max}: in the fullest one. A growing
	 * sum means clients (or the network) cannot keep up; a max near the buffer limit
	 * means one is about to be closed as too slow.
	 */
	public <T> void outboundBuffers(T source, ToDoubleFunction<T> totalBytes, ToDoubleFunction<T> largestBytes) {
		Gauge.builder("stompbox.outbound.buffer", source, totalBytes)
			.description("Bytes waiting in the send buffers of all sessions on this instance")
			.baseUnit(BaseUnits.BYTES)
			.register(this.registry);
		Gauge.builder("stompbox.outbound.buffer.max", source, largestBytes)
			.description("Bytes waiting in the fullest send buffer on this instance")
			.baseUnit(BaseUnits.BYTES)
			.register(this.registry);
	}

	/**
	 * {@code stompbox.redis.reconnects}: how often Redis became unreachable and this
	 * instance reconnected.
	 */
	public <T> void redisReconnects(T source, ToDoubleFunction<T> outages) {
		FunctionCounter.builder("stompbox.redis.reconnects", source, outages)
			.description("Times Redis became unreachable since start; each is followed by a reconnect")
			.register(this.registry);
	}

	/**
	 * A SockJS xhr_send relayed to the instance holding its session, answered in this
	 * time.
	 */
	public void sockJsSendRelayed(long nanos) {
		this.sockJsSendRelay.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A SockJS receiving request relayed to the instance holding its session, first
	 * answered in this time.
	 */
	public void sockJsReceiveRelayed(long nanos) {
		this.sockJsReceiveRelay.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Frames the instance holding a SockJS session wrote to a client of another instance.
	 */
	public void sockJsRelayedWrite() {
		this.sockJsRelayedWrites.increment();
	}

	private Timer publishTimer(Tags tags) {
		return Latencies.timer(this.registry, "stompbox.relay.publish",
				"Time from a room publish until the relay completes it", tags, Duration.ofNanos(100_000),
				Duration.ofSeconds(5));
	}

}
