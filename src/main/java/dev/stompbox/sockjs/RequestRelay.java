package dev.stompbox.sockjs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;

import dev.stompbox.connection.DrainStarted;
import dev.stompbox.connection.SockJsSendRefused;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.security.TokenVerifier;
import dev.stompbox.sockjs.RelayMessage.Reply;

/**
 * The requests this instance relayed to the instances holding their sessions, waiting for
 * their answers: an {@code xhr_send}'s outcome, or the frames of a receiving request's
 * response ({@link RelayedStream}). A stream its holder has not written to for longer
 * than a SockJS heartbeat allows is ended: the holder died, or lost it.
 */
class RequestRelay implements SmartLifecycle {

	/**
	 * Spring's SockJS heartbeat comes every 25 s; a stream silent for much longer is
	 * dead.
	 */
	static final Duration SILENCE = Duration.ofSeconds(60);

	private static final Duration SWEEP = Duration.ofSeconds(5);

	private final RelayChannel channel;

	private final StompboxMetrics metrics;

	private final Executor writers;

	private final TaskScheduler scheduler;

	private final TokenVerifier verifier;

	private final AtomicLong ids = new AtomicLong();

	private final Map<String, CompletableFuture<Reply>> sends = new ConcurrentHashMap<>();

	private final Map<String, RelayedStream> streams = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledFuture<?> sweeper;

	RequestRelay(RelayChannel channel, StompboxMetrics metrics, Executor writers, TaskScheduler scheduler,
			TokenVerifier verifier) {
		this.channel = channel;
		this.metrics = metrics;
		this.writers = writers;
		this.scheduler = scheduler;
		this.verifier = verifier;
	}

	RelayChannel channel() {
		return this.channel;
	}

	StompboxMetrics metrics() {
		return this.metrics;
	}

	String nextId() {
		return Long.toString(this.ids.incrementAndGet(), 36);
	}

	/** Waits for the answer to an {@code xhr_send} about to be relayed. */
	CompletableFuture<Reply> expectAnswer(String requestId) {
		CompletableFuture<Reply> answer = new CompletableFuture<>();
		this.sends.put(requestId, answer);
		return answer;
	}

	/** A stream for the response of a receiving request about to be relayed. */
	RelayedStream expectStream(String requestId, String sessionId) {
		RelayedStream stream = new RelayedStream(this, requestId, sessionId, this.writers);
		this.streams.put(requestId, stream);
		return stream;
	}

	void forget(String requestId) {
		this.sends.remove(requestId);
		this.streams.remove(requestId);
	}

	/**
	 * This instance refused an oversized {@code xhr_send} of a session it does not hold:
	 * the holder, if any, ends the session. Nothing is awaited: the client has its 413.
	 */
	@EventListener
	void onSendRefused(SockJsSendRefused refused) {
		RelayMessage.Credentials credentials = RelayMessage.Credentials.of(refused.request(), this.verifier);
		this.channel.relay(refused.sessionId(), new RelayMessage.Refuse(nextId(), this.channel.instance(),
				refused.sessionId(), credentials, refused.message()));
	}

	/** Draining: the relayed responses end, and their clients ask again, elsewhere. */
	@EventListener
	void onDrain(DrainStarted drain) {
		this.streams.values().forEach(RelayedStream::silent);
	}

	/** An answer from a holder, on Lettuce's thread. */
	void replied(Reply reply) {
		CompletableFuture<Reply> answer = this.sends.remove(reply.requestId());
		if (answer != null) {
			answer.complete(reply);
			return;
		}
		RelayedStream stream = this.streams.get(reply.requestId());
		if (stream != null) {
			stream.accept(reply);
		}
		else if (reply.status() == 0 && !reply.body().isEmpty()) {
			// Frames for a response that already ended: they never reach the client.
			this.channel.publish(reply.holder(),
					new RelayMessage.Detach(reply.requestId(), this.channel.instance(), reply.sessionId(), true));
		}
	}

	@Override
	public void start() {
		this.sweeper = this.scheduler.scheduleAtFixedRate(this::sweep, SWEEP);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> task = this.sweeper;
		if (task != null) {
			task.cancel(false);
		}
		this.sweeper = null;
	}

	@Override
	public boolean isRunning() {
		return this.sweeper != null;
	}

	private void sweep() {
		long now = System.nanoTime();
		this.streams.values().forEach((stream) -> {
			if (now - stream.lastHeard() > SILENCE.toNanos()) {
				stream.silent();
			}
		});
	}

}
