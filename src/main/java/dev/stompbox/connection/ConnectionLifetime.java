package dev.stompbox.connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

import dev.stompbox.security.ClientAuthentication;
import dev.stompbox.security.ClientIdentity;
import dev.stompbox.user.SystemNotice;

/**
 * Ends connections on purpose, each with a system notice first: when the token expires
 * (never before {@code exp}, within 5 s after it) and before the maximum connection
 * lifetime, at a jittered point so a fleet of clients does not reconnect at once.
 */
@Component
class ConnectionLifetime {

	/** Time between the notice and the close, for the notice to reach the client. */
	static final Duration NOTICE_LEAD = Duration.ofMillis(500);

	private static final long MAX_RETRY_AFTER_MS = 2000;

	private final TaskScheduler scheduler;

	private final ConnectionHandover handover;

	private final ConnectionProperties properties;

	private final Clock clock;

	private final Map<String, List<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();

	ConnectionLifetime(TaskScheduler stompboxScheduler, ConnectionHandover handover, ConnectionProperties properties,
			Clock clock) {
		this.scheduler = stompboxScheduler;
		this.handover = handover;
		this.properties = properties;
		this.clock = clock;
	}

	@EventListener
	void onConnected(SessionConnectedEvent event) {
		String sessionId = (String) event.getMessage().getHeaders().get("simpSessionId");
		if (sessionId == null || !(event.getUser() instanceof ClientAuthentication client)) {
			return;
		}
		ClientIdentity identity = client.identity();
		Instant now = this.clock.instant();
		Instant expiry = identity.expiresAt();
		Instant lifetimeEnd = now.plus(this.properties.maxConnectionLifetime());
		ScheduledFuture<?> timer;
		if (expiry != null && !expiry.isAfter(lifetimeEnd)) {
			timer = this.scheduler
				.schedule(() -> end(sessionId, SystemNotice.TOKEN_EXPIRED, 0, CloseStatus.POLICY_VIOLATION), expiry);
		}
		else {
			Instant noticeAt = lifetimeEnd.minus(NOTICE_LEAD).minus(jitter(this.properties.maxConnectionLifetime()));
			timer = this.scheduler
				.schedule(
						() -> end(sessionId, SystemNotice.MAX_LIFETIME,
								ThreadLocalRandom.current().nextLong(MAX_RETRY_AFTER_MS), CloseStatus.NORMAL),
						noticeAt);
		}
		this.timers.computeIfAbsent(sessionId, (id) -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(timer);
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		List<ScheduledFuture<?>> pending = this.timers.remove(event.getSessionId());
		if (pending != null) {
			pending.forEach((timer) -> timer.cancel(false));
		}
	}

	private void end(String sessionId, String reason, long retryAfterMs, CloseStatus status) {
		ScheduledFuture<?> close = this.handover.handOver(sessionId, SystemNotice.reconnect(reason, retryAfterMs),
				NOTICE_LEAD, status);
		List<ScheduledFuture<?>> pending = this.timers.get(sessionId);
		if (pending != null) {
			pending.add(close);
		}
	}

	/**
	 * Up to a tenth of the lifetime, at most a minute, earlier than the lifetime's end.
	 */
	private static Duration jitter(Duration lifetime) {
		long bound = Math.min(lifetime.toMillis() / 10, Duration.ofMinutes(1).toMillis());
		return Duration.ofMillis((bound > 0) ? ThreadLocalRandom.current().nextLong(bound) : 0);
	}

}
