package dev.stompbox.connection.limit;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

import dev.stompbox.connection.ConnectionProperties;

/**
 * Keeps a closed session's rate bucket for its user until it would have filled up again,
 * and hands it to that user's next session. Without it a client that floods, gets itself
 * closed with a bad frame and reconnects starts every connection with a full burst:
 * measured with the {@code hostile} workload, that let four attackers through with 9,000
 * frames a second against a rate of 50. A user's other open sessions keep their own
 * buckets, so tabs are not affected. A new session starts with at least a tenth of a full
 * bucket, which covers a client's start (its user queues, a room, a join) even right
 * after a flood.
 */
@Component
class RateCarryOver implements SmartLifecycle {

	static final String ATTRIBUTE = "stompbox.rateLimiter";

	private final int rate;

	private final long keepNanos;

	private final TaskScheduler scheduler;

	private final Map<String, Left> left = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledFuture<?> sweep;

	RateCarryOver(ConnectionProperties properties, TaskScheduler stompboxScheduler) {
		this.rate = properties.rateLimit();
		// An empty bucket holds twice the rate: it is full again after two seconds.
		this.keepNanos = Duration.ofSeconds(2).toNanos();
		this.scheduler = stompboxScheduler;
	}

	/**
	 * The bucket a session starts with: its user's last closed one, if that is not full
	 * yet.
	 */
	RateLimiter forNewSession(@Nullable Principal user, long now) {
		Left carried = (user != null) ? this.left.remove(user.getName()) : null;
		return (carried != null && now - carried.closedAt < this.keepNanos)
				? carried.limiter.atLeast(Math.max(1, this.rate / 5), now) : new RateLimiter(this.rate, now);
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		Map<String, Object> attributes = SimpMessageHeaderAccessor
			.getSessionAttributes(event.getMessage().getHeaders());
		if (event.getUser() != null && attributes != null && attributes.get(ATTRIBUTE) instanceof RateLimiter limiter) {
			this.left.put(event.getUser().getName(), new Left(limiter, System.nanoTime()));
		}
	}

	@Override
	public void start() {
		this.sweep = this.scheduler.scheduleAtFixedRate(this::forgetFull, Duration.ofNanos(this.keepNanos));
	}

	@Override
	public void stop() {
		ScheduledFuture<?> running = this.sweep;
		if (running != null) {
			running.cancel(false);
		}
		this.sweep = null;
	}

	@Override
	public boolean isRunning() {
		return this.sweep != null;
	}

	private void forgetFull() {
		long now = System.nanoTime();
		this.left.values().removeIf((kept) -> now - kept.closedAt >= this.keepNanos);
	}

	private record Left(RateLimiter limiter, long closedAt) {
	}

}
