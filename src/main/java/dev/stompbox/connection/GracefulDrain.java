package dev.stompbox.connection;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.user.SessionReplies;
import dev.stompbox.user.SystemNotice;

/**
 * Drains the instance on SIGTERM before anything else stops: readiness goes DOWN, new
 * handshakes are refused, every client is told to reconnect elsewhere (at a jittered
 * time, so they do not all arrive at once) and then closed with 1001, in batches.
 * Platforms kill the process about 10 s after SIGTERM; this takes well under 8.
 */
@Component
public class GracefulDrain implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(GracefulDrain.class);

	/** Time for the notices to reach the clients before their connections close. */
	static final Duration NOTICE_LEAD = Duration.ofMillis(500);

	/**
	 * The longest the closing may take; the platform's kill comes a few seconds later.
	 */
	static final Duration CLOSE_BUDGET = Duration.ofSeconds(5);

	static final long MAX_RETRY_AFTER_MS = 2000;

	private static final int BATCH = 500;

	private final ConnectionRegistry registry;

	private final SessionReplies replies;

	private final ApplicationEventPublisher events;

	private volatile boolean running;

	private volatile boolean draining;

	GracefulDrain(ConnectionRegistry registry, @Lazy SessionReplies replies, ApplicationEventPublisher events) {
		this.registry = registry;
		this.replies = replies;
		this.events = events;
	}

	/** Whether the instance is draining and must refuse new connections. */
	public boolean isDraining() {
		return this.draining;
	}

	@Override
	public void start() {
		this.draining = false;
		this.running = true;
	}

	/**
	 * Not stopped when a context is merely paused (as the test framework does with cached
	 * contexts): a drain ends the instance's connections and is meant for shutdown only.
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		long started = System.nanoTime();
		this.draining = true;
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		this.events
			.publishEvent(new DrainStarted(System.currentTimeMillis() + NOTICE_LEAD.plus(CLOSE_BUDGET).toMillis()));
		List<String> sessions = List.copyOf(this.registry.sessionIds());
		for (String sessionId : sessions) {
			this.replies.system(sessionId, SystemNotice.reconnect(SystemNotice.SHUTDOWN,
					ThreadLocalRandom.current().nextLong(MAX_RETRY_AFTER_MS)));
		}
		pause(NOTICE_LEAD);
		closeAll(sessions, System.nanoTime() + CLOSE_BUDGET.toNanos());
		logger.info("Drained " + sessions.size() + " connections in "
				+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops first: before the broker, the relay and the web server. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	private void closeAll(List<String> sessions, long deadline) {
		for (int i = 0; i < sessions.size(); i++) {
			this.registry.close(sessions.get(i), CloseStatus.GOING_AWAY);
			if ((i + 1) % BATCH == 0) {
				// Between batches, let the transport flush what the previous one queued.
				pause(Duration.ofMillis(20));
			}
		}
		while (this.registry.count() > 0 && System.nanoTime() < deadline) {
			pause(Duration.ofMillis(20));
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
