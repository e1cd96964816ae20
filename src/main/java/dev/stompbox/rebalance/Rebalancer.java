package dev.stompbox.rebalance;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

import dev.stompbox.connection.ConnectionHandover;
import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.connection.DrainStarted;
import dev.stompbox.connection.HandshakeAdmission;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.metrics.RebalanceReason;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.user.SystemNotice;

/**
 * Announces this instance every period and, when {@link RebalancePolicy} says so, moves
 * clients away: an episode that moves them evenly over the window, each at a random point
 * of its period, with a {@code rebalance} notice and then the close of
 * {@link ConnectionHandover}. The targets see a steady trickle, never a storm.
 * <p>
 * With no session affinity a moved client may reach this instance again. While it sheds
 * load it refuses new handshakes (503, {@code Retry-After}), so the client or the load
 * balancer tries another instance; readiness stays UP, for the instance still serves all
 * it holds and should not be taken out of rotation for its existing clients' health
 * checks. Moves by revision do not refuse: the newest revision gets the new traffic from
 * the platform, and an older one that still gets some is meant to (a split, a roll-back),
 * so its clients after that point stay.
 */
class Rebalancer implements SmartLifecycle, HandshakeAdmission {

	private static final Log logger = LogFactory.getLog(Rebalancer.class);

	/**
	 * Time a moved client has, after the {@code retryAfterMs} its notice gives, to
	 * connect elsewhere and join before this connection closes. Nothing hurries a move,
	 * so it is generous: clients that obey the notice close it themselves long before.
	 */
	static final Duration HANDOVER_GRACE = Duration.ofSeconds(2);

	private static final long MAX_RETRY_AFTER_MS = 1000;

	private final RebalanceProperties properties;

	private final RebalancePolicy policy;

	private final Announcements announcements;

	private final ConnectionRegistry registry;

	private final ConnectionHandover handover;

	private final StompboxMetrics metrics;

	private final TaskScheduler scheduler;

	private final ApplicationAvailability availability;

	private final Clock clock;

	private final InstanceId instance;

	private final String revision;

	private final int capacity;

	private final Duration period;

	/**
	 * When each CONNECTed session of this instance connected: the clients that may move.
	 */
	private final Map<String, Long> connectedAt = new ConcurrentHashMap<>();

	/** Sessions told to move, until they are gone. */
	private final Set<String> moving = ConcurrentHashMap.newKeySet();

	private volatile long readySince;

	private volatile boolean draining;

	private volatile @Nullable ScheduledFuture<?> ticker;

	private volatile @Nullable Episode episode;

	/**
	 * No new load episode before this (epoch millis): the others' counts must catch up
	 * first.
	 */
	private long quietUntil;

	Rebalancer(RebalanceProperties properties, Announcements announcements, ConnectionRegistry registry,
			ConnectionHandover handover, StompboxMetrics metrics, TaskScheduler scheduler,
			ApplicationAvailability availability, Clock clock, InstanceId instance, @Nullable String revision,
			int capacity) {
		this.properties = properties;
		this.policy = new RebalancePolicy(properties);
		this.announcements = announcements;
		this.registry = registry;
		this.handover = handover;
		this.metrics = metrics;
		this.scheduler = scheduler;
		this.availability = availability;
		this.clock = clock;
		this.instance = instance;
		this.revision = (revision != null) ? revision : "";
		this.capacity = capacity;
		this.period = period(properties.rebalanceWindow());
	}

	/**
	 * A twentieth of the window, between 100 ms and 2 s: often enough to spread moves
	 * evenly.
	 */
	static Duration period(Duration window) {
		long millis = Math.clamp(window.toMillis() / 20, 100, 2000);
		return Duration.ofMillis(millis);
	}

	/**
	 * An announcement outlives a few missed periods, and a second for a pause of the JVM.
	 */
	Duration announcementTtl() {
		return this.period.multipliedBy(3).plusSeconds(1);
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		if (this.properties.byRevision() && this.revision.isEmpty()) {
			logger.warn("STOMPBOX_REBALANCE includes revision, but neither STOMPBOX_REVISION nor K_REVISION is set:"
					+ " this instance will not move clients by revision");
		}
		this.draining = false;
		this.ticker = this.scheduler.scheduleAtFixedRate(this::tick, this.period);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> running = this.ticker;
		if (running != null) {
			running.cancel(false);
			this.ticker = null;
			this.announcements.withdraw(this.instance);
		}
		this.episode = null;
	}

	@Override
	public boolean isRunning() {
		return this.ticker != null;
	}

	/** Stops after the drain (which stops first) and before the instance's lease. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 500;
	}

	/**
	 * Refuses new connections while shedding load, so moved clients do not come straight
	 * back.
	 */
	@Override
	public boolean admitsNewConnections() {
		Episode current = this.episode;
		return current == null || current.reason() != RebalanceReason.LOAD;
	}

	@EventListener
	void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		// The first time only: a blip of Redis must not make an instance look newly
		// started.
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && this.readySince == 0) {
			this.readySince = this.clock.millis();
		}
	}

	/**
	 * The drain tells every client to go; nothing more is moved, and the others stop
	 * counting us.
	 */
	@EventListener
	void onDrain(DrainStarted drain) {
		this.draining = true;
		stop();
	}

	@EventListener
	void onConnected(SessionConnectedEvent event) {
		String sessionId = (String) event.getMessage().getHeaders().get("simpSessionId");
		if (sessionId != null) {
			this.connectedAt.put(sessionId, this.clock.millis());
		}
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		this.connectedAt.remove(event.getSessionId());
		this.moving.remove(event.getSessionId());
	}

	private void tick() {
		Announcement self = new Announcement(this.instance.value(), this.revision, this.readySince, ready(),
				this.registry.count(), this.capacity);
		this.announcements.announce(self, announcementTtl())
			.thenCompose((written) -> this.announcements.read())
			.whenComplete((view, failure) -> {
				if (failure != null) {
					logger.debug("Rebalancing skipped a period: " + failure.getMessage());
					return;
				}
				try {
					plan(self, view, this.clock.millis());
				}
				catch (RuntimeException ex) {
					logger.warn("Rebalancing failed", ex);
				}
			});
	}

	private boolean ready() {
		return !this.draining && this.readySince != 0
				&& this.availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
	}

	private synchronized void plan(Announcement self, ClusterView view, long now) {
		if (this.draining || this.ticker == null) {
			return;
		}
		Decision decision = this.policy.decide(self, view, now);
		Episode current = this.episode;
		if (current != null && !goesOn(current, decision, self, view)) {
			logger.info("Rebalancing (" + current.describe() + ") ends: " + current.moved + " clients moved");
			this.episode = null;
			if (current.reason() == RebalanceReason.LOAD) {
				this.quietUntil = now + announcementTtl().toMillis();
			}
			current = null;
		}
		if (current == null && decision != null
				&& (decision.reason() == RebalanceReason.REVISION || now >= this.quietUntil)) {
			current = start(decision, now);
		}
		if (current != null) {
			boolean roomElsewhere = current.reason() == RebalanceReason.REVISION
					|| this.policy.othersBelow(self, view, current.decision().keep());
			if (roomElsewhere) {
				move(current, now);
			}
		}
	}

	/**
	 * A move by revision goes on while the same revision is the newest. Shedding load
	 * goes on while there is excess and room for it elsewhere, and in any case until the
	 * clients told to move are gone: it refuses new handshakes until then, so they cannot
	 * come straight back.
	 */
	private boolean goesOn(Episode current, @Nullable Decision decision, Announcement self, ClusterView view) {
		if (current.reason() == RebalanceReason.REVISION) {
			return decision != null && decision.reason() == RebalanceReason.REVISION
					&& Objects.equals(current.decision().towards(), decision.towards());
		}
		if (decision != null && decision.reason() == RebalanceReason.REVISION) {
			return false;
		}
		return !this.moving.isEmpty() || (this.registry.count() > current.decision().keep()
				&& this.policy.othersBelow(self, view, current.decision().keep()));
	}

	private Episode start(Decision decision, long now) {
		int toMove = Math.max(1, (decision.reason() == RebalanceReason.LOAD)
				? this.registry.count() - this.moving.size() - decision.keep() : eligible(decision).size());
		Episode started = new Episode(decision, toMove, now);
		this.episode = started;
		logger.info("Rebalancing (" + started.describe() + "): moving " + toMove + " of " + this.registry.count()
				+ " clients over " + this.properties.rebalanceWindow());
		return started;
	}

	/**
	 * Moves the clients now due: evenly over the window, the first at once, so that the
	 * targets see a steady trickle whatever the number; those who connected meanwhile
	 * follow at the same pace.
	 */
	private void move(Episode current, long now) {
		Decision decision = current.decision();
		List<String> candidates = eligible(decision);
		int excess = (decision.reason() == RebalanceReason.LOAD)
				? this.registry.count() - this.moving.size() - decision.keep() : candidates.size();
		long due = (now - current.startedAt()) * current.planned() / this.properties.rebalanceWindow().toMillis() + 1;
		int count = (int) Math.min(due - current.moved, Math.min(excess, candidates.size()));
		for (int i = 0; i < count; i++) {
			String sessionId = candidates.get(i);
			this.moving.add(sessionId);
			current.moved++;
			long offset = ThreadLocalRandom.current().nextLong(this.period.toMillis());
			this.scheduler.schedule(() -> notifyMove(sessionId, decision.reason()),
					this.clock.instant().plusMillis(offset));
		}
	}

	/**
	 * The clients that may move, oldest connection first, those already moving left out.
	 */
	private List<String> eligible(Decision decision) {
		return this.connectedAt.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() < decision.connectedBefore() && !this.moving.contains(entry.getKey()))
			.sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
			.map(Map.Entry::getKey)
			.toList();
	}

	private void notifyMove(String sessionId, RebalanceReason reason) {
		if (this.draining || !this.registry.isOpen(sessionId)) {
			return;
		}
		long retryAfterMs = ThreadLocalRandom.current()
			.nextLong(Math.min(MAX_RETRY_AFTER_MS, this.period.toMillis()) + 1);
		this.handover.handOver(sessionId, SystemNotice.reconnect(SystemNotice.REBALANCE, retryAfterMs),
				HANDOVER_GRACE.plusMillis(retryAfterMs), CloseStatus.NORMAL);
		this.metrics.clientMoved(reason);
	}

	/**
	 * One run of moves for one decision; {@code moved} is only touched under the
	 * rebalancer's lock.
	 */
	private static final class Episode {

		private final Decision decision;

		private final int planned;

		private final long startedAt;

		private int moved;

		Episode(Decision decision, int planned, long startedAt) {
			this.decision = decision;
			this.planned = planned;
			this.startedAt = startedAt;
		}

		Decision decision() {
			return this.decision;
		}

		RebalanceReason reason() {
			return this.decision.reason();
		}

		/** Clients to move within the window, as counted when it began. */
		int planned() {
			return this.planned;
		}

		long startedAt() {
			return this.startedAt;
		}

		String describe() {
			return (this.decision.reason() == RebalanceReason.REVISION) ? "revision, to " + this.decision.towards()
					: "load, down to " + this.decision.keep();
		}

	}

}
