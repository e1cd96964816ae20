package dev.stompbox.presence;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import io.lettuce.core.SetArgs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;

import dev.stompbox.connection.DrainStarted;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.LeaseListener;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;

/**
 * This instance's lease in Redis: a key renewed every quarter of the presence timeout,
 * that expires three quarters of the timeout after its last renewal. While it exists the
 * instance counts as alive; once it is gone the survivors remove what the instance held,
 * at their next renewal, at most a quarter of the timeout later: a crashed instance's
 * sessions are gone within the timeout, and a live one may miss two renewals in a row
 * before it is taken for dead.
 */
public class InstanceLease implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(InstanceLease.class);

	/**
	 * How long a draining instance's sessions stay present for their users to reconnect.
	 */
	static final Duration HANDOVER = Duration.ofSeconds(3);

	private final RedisConnections connections;

	private final RedisKeys keys;

	private final InstanceId instance;

	private final Duration renewal;

	private final Duration ttl;

	private final TaskScheduler scheduler;

	private final ObjectProvider<LeaseListener> listeners;

	private volatile ScheduledFuture<?> heartbeat;

	private volatile boolean everHeld;

	public InstanceLease(RedisConnections connections, RedisKeys keys, InstanceId instance, PresenceProperties presence,
			TaskScheduler scheduler, ObjectProvider<LeaseListener> listeners) {
		this.connections = connections;
		this.keys = keys;
		this.instance = instance;
		this.renewal = presence.timeout().dividedBy(4);
		this.ttl = presence.timeout().minus(this.renewal);
		this.scheduler = scheduler;
		this.listeners = listeners;
	}

	@Override
	public void start() {
		this.heartbeat = this.scheduler.scheduleAtFixedRate(this::renew, this.renewal);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> beat = this.heartbeat;
		if (beat != null) {
			beat.cancel(false);
		}
		this.heartbeat = null;
	}

	/**
	 * How often the lease is renewed, and survivors reap the instances whose lease
	 * expired.
	 */
	Duration renewal() {
		return this.renewal;
	}

	/** How long the lease outlives its last renewal. */
	Duration ttl() {
		return this.ttl;
	}

	@Override
	public boolean isRunning() {
		return this.heartbeat != null;
	}

	/** Late: the lease is renewed until everything that needs Redis has stopped. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1000;
	}

	/** Renews the lease now; the listeners run when Redis answered. */
	public void renew() {
		String lease = this.keys.lease(this.instance);
		this.connections.commands()
			.setGet(lease, "1", SetArgs.Builder.px(this.ttl.toMillis()))
			.thenCompose((previous) -> this.connections.commands()
				.sadd(this.keys.instances(), this.instance.value())
				.thenApply((added) -> previous == null))
			.whenComplete((lost, failure) -> {
				if (failure != null) {
					logger.debug("Lease renewal failed: " + failure.getMessage());
					return;
				}
				boolean regained = lost && this.everHeld;
				this.everHeld = true;
				List<LeaseListener> all = this.listeners.orderedStream().toList();
				for (LeaseListener listener : all) {
					try {
						listener.leaseRenewed(regained);
					}
					catch (RuntimeException ex) {
						logger.warn("Lease listener failed", ex);
					}
				}
			});
	}

	/**
	 * Draining: the lease is cut short and no longer renewed, so survivors take over this
	 * instance's sessions a few seconds after its clients had the chance to reconnect.
	 */
	@EventListener
	void onDrain(DrainStarted drain) {
		stop();
		this.connections.commands().pexpire(this.keys.lease(this.instance), HANDOVER.toMillis());
	}

	/**
	 * Redis answers again: say at once what this instance holds, rather than at the next
	 * beat.
	 */
	@EventListener
	void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && isRunning()) {
			renew();
		}
	}

}
