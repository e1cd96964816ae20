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
 * Pings Redis every second. While it does not answer within a second the instance is not
 * ready: it cannot deliver across instances, so the load balancer should send new clients
 * elsewhere. Open connections stay.
 */
public class RedisAvailability implements SmartLifecycle {

	static final Duration INTERVAL = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(RedisAvailability.class);

	private final RedisConnections connections;

	private final TaskScheduler scheduler;

	private final ApplicationEventPublisher events;

	private volatile boolean available = true;

	private volatile long outages;

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
			.whenComplete((pong, failure) -> changed(failure == null));
	}

	private synchronized void changed(boolean reachable) {
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
