package dev.stompbox.redis;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Pings Redis every second. Once two pings in a row went unanswered for a second each,
 * the instance is not ready: it cannot deliver across instances, so the load balancer
 * should send new clients elsewhere. Open connections stay. One late answer is not
 * enough: in a reconnect storm a ping can wait behind thousands of joins on the one
 * connection, and an instance that turned itself away from the load balancer then would
 * only move the storm to the others. Two misses still take it out well within
 * PROTOCOL.md's 5 s.
 */
public class RedisAvailability implements SmartLifecycle {

	static final Duration INTERVAL = Duration.ofSeconds(1);

	static final int MISSES_BEFORE_UNAVAILABLE = 2;

	private static final Log logger = LogFactory.getLog(RedisAvailability.class);

	private final RedisConnections connections;

	private final TaskScheduler scheduler;

	private final ApplicationEventPublisher events;

	private volatile boolean available = true;

	private volatile long outages;

	private int misses;

	private volatile ScheduledFuture<?> pinger;

	public RedisAvailability(RedisConnections connections, TaskScheduler scheduler, ApplicationEventPublisher events) {
		this.connections = connections;
		this.scheduler = scheduler;
		this.events = events;
	}

	@Override
	public void start() {
		this.pinger = this.scheduler.scheduleAtFixedRate(this::ping, INTERVAL);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> task = this.pinger;
		if (task != null) {
			task.cancel(false);
		}
		this.pinger = null;
	}

	@Override
	public boolean isRunning() {
		return this.pinger != null;
	}

	public boolean isAvailable() {
		return this.available;
	}

	/** How many times Redis became unreachable since start. */
	public long outages() {
		return this.outages;
	}

	private void ping() {
		this.connections.commands()
			.ping()
			.toCompletableFuture()
			.orTimeout(INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((pong, failure) -> answered(failure == null));
	}

	private synchronized void answered(boolean reachable) {
		this.misses = reachable ? 0 : this.misses + 1;
		if (!reachable && this.misses < MISSES_BEFORE_UNAVAILABLE) {
			return;
		}
		if (reachable == this.available) {
			return;
		}
		this.available = reachable;
		if (reachable) {
			logger.info("Redis is reachable again");
			AvailabilityChangeEvent.publish(this.events, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
		else {
			this.outages++;
			logger.warn("Redis is unreachable: not ready until it answers again");
			AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		}
	}

}
