package dev.stompbox.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.ChannelHandler;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.JsonFields;
import dev.stompbox.room.MessageRequest;
import dev.stompbox.room.RoomId;
import dev.stompbox.room.Sender;
import dev.stompbox.user.UserEvent;
import dev.stompbox.user.UserEvents;

/**
 * The Redis way in for backends (PROTOCOL.md section 7.2): JSON published to the ingress
 * channel is delivered as the HTTP API would deliver it, exactly once while at least one
 * instance runs.
 * <p>
 * Every instance subscribes, so a message published while one stops or starts still
 * reaches another. Pub/sub messages carry no id and the same JSON may be published twice,
 * so the instances number the messages instead: Redis delivers a channel's messages to
 * every subscriber in the order they were published, and, on one connection, the messages
 * of two channels in the order of the two publishes. An instance that starts (or lost its
 * subscription) publishes a sync marker on a second channel; an instance that numbers
 * messages already writes the marker's place (the number of the message before it) into
 * Redis, and the newcomer numbers the messages after the marker from there. When no one
 * answers for a second, no one else is reading: the newcomer starts a new epoch. The
 * first instance to claim a number ({@code claim.lua}) delivers that message.
 * <p>
 * Backends rely on publish order, which instances racing for claims would not keep. So
 * one placed instance holds a short preference (a lease in Redis) and claims every
 * message at once; the others claim a message only when it is still unclaimed after
 * {@link #GRACE}, so nothing is lost when the preferred instance crashes. One instance
 * delivers its claims in claim order, each delivery dispatched (on the one command
 * connection) after the one before. A stopping instance claims nothing new, lets what it
 * claimed be dispatched, and only then gives the preference up, so the instance that
 * takes it over delivers after.
 */
public class RedisIngress implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisIngress.class);

	private static final LuaScript CLAIM = LuaScript.load(RedisIngress.class, "claim.lua");

	private static final LuaScript SYNC = LuaScript.load(RedisIngress.class, "sync.lua");

	private static final LuaScript RELEASE = LuaScript.load(RedisIngress.class, "release.lua");

	private static final String LEGACY = "legacy";

	/** How long a newcomer waits for its own marker's place before it starts an epoch. */
	static final Duration OWN_MARKER_WAIT = Duration.ofSeconds(1);

	/** How long a newcomer waits for another newcomer's marker, longer than the above. */
	static final Duration FOREIGN_MARKER_WAIT = Duration.ofSeconds(3);

	/** A marker that never came back (its publish failed) is published again. */
	static final Duration MARKER_RESEND = Duration.ofSeconds(5);

	/**
	 * How long claims and markers are kept: far longer than any instance lags behind
	 * another, since Redis cuts off a subscriber that falls far behind (its output buffer
	 * limit) and that instance then joins again with a new marker.
	 */
	static final Duration RETENTION = Duration.ofSeconds(60);

	/**
	 * How long an instance without the preference leaves a message to the preferred one:
	 * long enough for it to claim, short enough that a crash delays little.
	 */
	static final Duration GRACE = Duration.ofMillis(1500);

	/**
	 * How long the preference lasts unless renewed: a crashed holder loses it this late.
	 */
	static final Duration PREFERENCE_LEASE = Duration.ofSeconds(3);

	/** How often the preference is renewed, or taken when free. */
	static final Duration PREFERENCE_RENEW = Duration.ofMillis(500);

	private static final Duration REDIS_WAIT = Duration.ofSeconds(3);

	private static final Duration POLL = Duration.ofMillis(20);

	private final RedisScripts scripts;

	private final RedisConnections connections;

	private final ChannelSubscriptions subscriptions;

	private final RedisKeys keys;

	private final InstanceId instance;

	private final RoomRelay relay;

	private final UserEvents userEvents;

	private final JsonMapper json;

	private final Clock clock;

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final AtomicLong markers = new AtomicLong();

	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile boolean running;

	/**
	 * Set when stopping: nothing new is numbered, what waits for its grace is still
	 * claimed.
	 */
	private volatile boolean stopping;

	/** Whether this instance held the preference when it last asked. */
	private volatile boolean preferred;

	private volatile @Nullable Thread reader;

	/** Set when a claim showed that this instance numbers messages unlike the others. */
	private volatile boolean misaligned;

	// Owned by the reader thread, read by isAligned().
	private volatile @Nullable IngressPlace place;

	// Owned by the reader thread.
	private boolean subscribed;

	private @Nullable String ownMarker;

	private long ownMarkerSent;

	/** Numbered messages not claimed yet, in ingress order. */
	private final Deque<Pending> pending = new ArrayDeque<>();

	private long preferenceAsked;

	/** Completes once the last claim is settled and its delivery dispatched. */
	private CompletableFuture<Void> deliveries = CompletableFuture.completedFuture(null);

	public RedisIngress(RedisScripts scripts, RedisConnections connections, ChannelSubscriptions subscriptions,
			RedisKeys keys, InstanceId instance, RoomRelay relay, UserEvents userEvents, JsonMapper json, Clock clock) {
		this.scripts = scripts;
		this.connections = connections;
		this.subscriptions = subscriptions;
		this.keys = keys;
		this.instance = instance;
		this.relay = relay;
		this.userEvents = userEvents;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * True once this instance knows the place of the messages it receives in the ingress
	 * order.
	 */
	public boolean isAligned() {
		return this.place != null;
	}

	/**
	 * True while this instance claims every message at once (it holds the preference).
	 */
	public boolean isPreferred() {
		return this.preferred;
	}

	@Override
	public void start() {
		this.stopping = false;
		this.running = true;
		this.reader = Thread.ofPlatform().daemon().name("stompbox-ingress").start(this::read);
	}

	@Override
	public void stop() {
		// What waits for its grace is claimed when due, as if running: an instance placed
		// after this one started may not have numbered it.
		this.stopping = true;
		Thread thread = this.reader;
		if (thread != null) {
			try {
				thread.join(GRACE.plus(REDIS_WAIT).toMillis());
				thread.interrupt();
				thread.join(REDIS_WAIT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.running = false;
		this.reader = null;
		// What this instance claimed is delivered before Redis and the relay go away: no
		// other instance delivers it. What it had not claimed yet, the others claim.
		long deadline = System.nanoTime() + REDIS_WAIT.toNanos();
		while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
			pause(POLL);
		}
		// Only now, so that whoever takes the preference over delivers after this
		// instance's deliveries (the release follows them on the same connection).
		this.preferred = false;
		await(releasePreference(), "giving up the ingress preference");
		this.subscriptions.unsubscribe(this.keys.ingressChannel(), this.keys.ingressSyncChannel());
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops after the drain, while the instance still reaches Redis. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 100;
	}

	private void read() {
		while (this.running) {
			try {
				if (this.stopping) {
					if (!drain()) {
						return;
					}
					continue;
				}
				if (!this.subscribed) {
					subscribe();
				}
				Event event = this.events.poll(pollMillis(), TimeUnit.MILLISECONDS);
				if (this.misaligned) {
					this.misaligned = false;
					rejoin();
				}
				if (event instanceof Message message) {
					number(message.payload());
				}
				else if (event instanceof Marker marker) {
					place(marker.id());
				}
				else if (event instanceof Resubscribed) {
					rejoin();
				}
				else if (this.place == null && this.subscribed
						&& this.clock.millis() - this.ownMarkerSent > MARKER_RESEND.toMillis()) {
					sendMarker();
				}
				prefer();
				claimDue();
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Reading the ingress channel failed", ex);
			}
		}
	}

	private void subscribe() {
		CompletionStage<Void> done = this.subscriptions.subscribe(new ChannelHandler() {

			@Override
			public void message(String channel, byte[] payload) {
				received(channel, payload);
			}

			@Override
			public void resubscribed(String channel) {
				// Both channels are subscribed again by one command: one rejoin is
				// enough.
				if (channel.equals(RedisIngress.this.keys.ingressChannel())) {
					RedisIngress.this.events.add(new Resubscribed());
				}
			}

		}, this.keys.ingressChannel(), this.keys.ingressSyncChannel());
		await(done, "SUBSCRIBE");
		if (done.toCompletableFuture().isDone() && !done.toCompletableFuture().isCompletedExceptionally()) {
			this.subscribed = true;
			logger.info("This instance reads the ingress channel " + this.keys.ingressChannel());
			sendMarker();
		}
		else {
			pause(Duration.ofSeconds(1));
		}
	}

	/** On Lettuce's I/O thread: in the order Redis sent them, both channels together. */
	private void received(String channel, byte[] payload) {
		if (channel.equals(this.keys.ingressSyncChannel())) {
			this.events.add(new Marker(new String(payload, StandardCharsets.UTF_8)));
		}
		else {
			this.events.add(new Message(payload));
		}
	}

	/** While stopping: claims what comes due; false once nothing waits. */
	private boolean drain() throws InterruptedException {
		this.events.clear();
		claimDue();
		if (this.pending.isEmpty()) {
			return false;
		}
		Thread.sleep(pollMillis());
		return true;
	}

	/** Until the next message waiting for its grace is due, at most a quarter second. */
	private long pollMillis() {
		Pending next = this.pending.peek();
		if (next == null || this.preferred) {
			return 250;
		}
		return Math.clamp(next.due() - this.clock.millis(), 1, 250);
	}

	/** Messages may have been missed: this instance no longer knows its place. */
	private void rejoin() {
		this.place = null;
		if (this.preferred) {
			this.preferred = false;
			releasePreference();
		}
		sendMarker();
	}

	/**
	 * Renews the preference or takes it when free, while this instance is placed.
	 * Unanswered, this instance no longer counts on it: the lease runs out on its own.
	 * Plain commands, not a script: should the lease run out between the two, renewing
	 * the next holder's lease does no harm, and this instance learns it lost the
	 * preference at the next renewal.
	 */
	private void prefer() {
		long now = this.clock.millis();
		if (this.place == null || now - this.preferenceAsked < PREFERENCE_RENEW.toMillis()) {
			return;
		}
		this.preferenceAsked = now;
		String key = this.keys.ingressPreferred();
		String me = this.instance.value();
		String holder = await(this.connections.commands().get(key), "the ingress preference");
		boolean held;
		if (holder == null) {
			held = "OK".equals(await(
					this.connections.commands().set(key, me, SetArgs.Builder.nx().px(PREFERENCE_LEASE.toMillis())),
					"taking the ingress preference"));
		}
		else if (holder.equals(me)) {
			held = Boolean.TRUE.equals(await(this.connections.commands().pexpire(key, PREFERENCE_LEASE.toMillis()),
					"renewing the ingress preference"));
		}
		else {
			held = false;
		}
		if (held != this.preferred) {
			logger.info(held ? "This instance claims ingress messages at once"
					: "This instance claims ingress messages after a grace period");
		}
		this.preferred = held;
	}

	private CompletionStage<Long> releasePreference() {
		return this.scripts.run(RELEASE, ScriptOutputType.INTEGER, new String[] { this.keys.ingressPreferred() },
				this.instance.value());
	}

	private void sendMarker() {
		String id = this.instance.value() + "-" + this.markers.incrementAndGet();
		this.ownMarker = id;
		this.ownMarkerSent = this.clock.millis();
		this.connections.commands().publish(this.keys.ingressSyncChannel(), id).whenComplete((receivers, failure) -> {
			if (failure != null) {
				logger.debug("Publishing an ingress marker failed: " + failure.getMessage());
			}
		});
	}

	private void number(byte[] payload) {
		IngressPlace current = this.place;
		if (current == null) {
			// Not placed yet: the instances that are deliver it.
			return;
		}
		IngressPlace next = current.next();
		this.place = next;
		this.pending.add(new Pending(next, payload, this.clock.millis() + GRACE.toMillis()));
	}

	/**
	 * Claims, in ingress order, every waiting message when preferred, else those past
	 * their grace.
	 */
	private void claimDue() {
		long now = this.clock.millis();
		Pending next = this.pending.peek();
		while (next != null && (this.preferred || next.due() <= now)) {
			this.pending.poll();
			claim(next.place(), next.payload());
			next = this.pending.peek();
		}
	}

	/**
	 * Claims one message. Its delivery waits for the delivery of the claim before, so
	 * this instance's deliveries are dispatched in claim order whatever order the answers
	 * come in.
	 */
	private void claim(IngressPlace at, byte[] payload) {
		String digest = digest(payload);
		this.inFlight.incrementAndGet();
		CompletableFuture<Claim> claim = this.scripts
			.<String>run(CLAIM, ScriptOutputType.VALUE,
					new String[] { this.keys.ingressClaim(at.epoch(), at.number()), this.keys.ingressLeader() }, digest,
					Long.toString(RETENTION.toMillis()))
			.handle(Claim::new)
			.toCompletableFuture();
		this.deliveries = this.deliveries.thenCombine(claim, (before, claimed) -> claimed).thenAccept((claimed) -> {
			try {
				settle(at, payload, digest, claimed);
			}
			catch (RuntimeException ex) {
				logger.warn("Delivering ingress message " + at + " failed", ex);
			}
			finally {
				this.inFlight.decrementAndGet();
			}
		});
	}

	private void settle(IngressPlace at, byte[] payload, String digest, Claim claim) {
		if (claim.failure() != null) {
			logger.debug("Claiming an ingress message failed: " + claim.failure().getMessage());
		}
		else if ("".equals(claim.claimed())) {
			deliver(payload);
		}
		else if (!LEGACY.equals(claim.claimed()) && !digest.equals(claim.claimed())) {
			logger.warn("Ingress message " + at + " was claimed with another content: placing this "
					+ "instance in the ingress order again");
			this.misaligned = true;
		}
	}

	/**
	 * A marker: an instance that has a place writes it (or takes the one written first);
	 * one that has none waits for it, and starts a new epoch at its own marker when no
	 * one answers. Messages after the marker wait in the queue meanwhile.
	 */
	private void place(String marker) {
		boolean own = marker.equals(this.ownMarker);
		long seen = this.clock.millis();
		while (this.running) {
			IngressPlace current = this.place;
			long waited = this.clock.millis() - seen;
			boolean newEpoch = current == null && own && waited >= OWN_MARKER_WAIT.toMillis();
			String placed = await(this.scripts.<String>run(SYNC, ScriptOutputType.VALUE,
					new String[] { this.keys.ingressSync(marker), this.keys.ingressEpoch() },
					(current != null) ? current.toString() : "", newEpoch ? "1" : "0",
					Long.toString(RETENTION.toMillis())), "an ingress marker");
			if (placed != null) {
				this.place = IngressPlace.parse(placed);
				if (current == null) {
					// Placed: whether the preference is free is asked at once.
					this.preferenceAsked = 0;
					logger.info("This instance is placed in the ingress order at " + placed);
					this.ownMarker = null;
				}
				return;
			}
			if (current != null) {
				// Redis did not answer: whether a newcomer took another place is unknown.
				rejoin();
				return;
			}
			if (newEpoch || (!own && waited >= FOREIGN_MARKER_WAIT.toMillis())) {
				return;
			}
			pause(POLL);
		}
	}

	private void deliver(byte[] payload) {
		try {
			ObjectNode request = JsonFields.object(this.json, payload);
			String roomId = JsonFields.text(request, "roomId", 64);
			String userId = JsonFields.text(request, "userId", 128);
			if (roomId != null) {
				this.relay.publish(MessageRequest.from(request).draft(RoomId.of(roomId), Sender.SERVER))
					.whenComplete((published, failure) -> report(failure));
			}
			else if (userId != null) {
				String type = JsonFields.text(request, "type", 64);
				JsonNode body = request.has("body") ? request.get("body") : NullNode.getInstance();
				this.userEvents.send(userId, new UserEvent((type != null) ? type : "event", body, this.clock.millis()))
					.whenComplete((sent, failure) -> report(failure));
			}
			else {
				logger.warn("Ignored a message on " + this.keys.ingressChannel() + " with neither roomId nor userId");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Ignored a malformed message on " + this.keys.ingressChannel() + ": " + ex.getMessage());
		}
	}

	private void report(@Nullable Throwable failure) {
		if (failure != null) {
			logger.warn("Could not deliver a message from " + this.keys.ingressChannel() + ": " + failure.getMessage());
		}
	}

	private static String digest(byte[] payload) {
		CRC32C crc = new CRC32C();
		crc.update(payload);
		return Integer.toHexString(payload.length) + "-" + Long.toHexString(crc.getValue());
	}

	private static <T> @Nullable T await(CompletionStage<T> stage, String what) {
		try {
			return stage.toCompletableFuture().get(REDIS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			logger.debug("Waiting for " + what + " failed: " + ex.getMessage());
			return null;
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

	private sealed interface Event permits Message, Marker, Resubscribed {

	}

	private record Message(byte[] payload) implements Event {

	}

	private record Marker(String id) implements Event {

	}

	private record Resubscribed() implements Event {

	}

	/** A numbered message waiting for its claim, due once its grace has passed. */
	private record Pending(IngressPlace place, byte[] payload, long due) {

	}

	/**
	 * The answer to a claim: the digest claimed before ('' when this instance claimed),
	 * or a failure.
	 */
	private record Claim(@Nullable String claimed, @Nullable Throwable failure) {

	}

}
