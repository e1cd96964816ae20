package dev.stompbox.user;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ScriptOutputType;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.LeaseListener;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.redis.SettledChanges;
import dev.stompbox.session.SessionGate;

/**
 * Cluster user events. Redis keeps, per user, the instances that hold a session of
 * theirs; an event is published only to those instances' channels ({@code route.lua}),
 * and each writes it to its local sessions of the user.
 */
public class RedisUserEvents implements UserEvents, LeaseListener, SmartLifecycle {

	private static final LuaScript ROUTE = LuaScript.load(RedisUserEvents.class, "route.lua");

	private final RedisScripts scripts;

	private final RedisConnections connections;

	private final ChannelSubscriptions subscriptions;

	private final RedisKeys keys;

	private final InstanceId instance;

	private final LocalUserEvents local;

	private final JsonMapper json;

	/** Sessions per user on this instance. */
	private final Map<String, Integer> sessions = new ConcurrentHashMap<>();

	/** The user of each session counted in {@link #sessions}. */
	private final Map<String, String> routed = new ConcurrentHashMap<>();

	/** The user's entry in Redis, written in order and retried until it holds. */
	private final SettledChanges<String> routes = new SettledChanges<>("user route", this::route);

	private final SessionGate sessionGate;

	private volatile boolean running;

	public RedisUserEvents(RedisScripts scripts, RedisConnections connections, ChannelSubscriptions subscriptions,
			RedisKeys keys, InstanceId instance, LocalUserEvents local, JsonMapper json, SessionGate sessionGate) {
		this.scripts = scripts;
		this.connections = connections;
		this.subscriptions = subscriptions;
		this.keys = keys;
		this.instance = instance;
		this.local = local;
		this.json = json;
		this.sessionGate = sessionGate;
	}

	@Override
	public CompletionStage<Void> send(String userId, UserEvent event) {
		String payload = frame(userId, this.json.writeValueAsString(event));
		return this.scripts
			.<Long>run(ROUTE, ScriptOutputType.INTEGER, new String[] { this.keys.userInstances(userId) }, payload,
					this.keys.instancePrefix(), RedisKeys.EVENTS_SUFFIX, RedisKeys.LEASE_SUFFIX)
			.thenApply((instances) -> null);
	}

	@Override
	public void start() {
		try {
			this.subscriptions
				.subscribe((channel, payload) -> receive(payload), this.keys.instanceChannel(this.instance))
				.toCompletableFuture()
				.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not subscribe to this instance's user events in Redis", ex);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.subscriptions.unsubscribe(this.keys.instanceChannel(this.instance));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Users with a session on this instance. */
	public int localUsers() {
		return this.sessions.size();
	}

	@EventListener
	void onConnected(SessionConnectedEvent event) {
		String sessionId = SimpMessageHeaderAccessor.getSessionId(event.getMessage().getHeaders());
		if (event.getUser() == null || sessionId == null) {
			return;
		}
		String userId = event.getUser().getName();
		// Routed only while the session is open: its disconnect may have been handled
		// already.
		this.sessionGate.whileOpen(sessionId, () -> {
			if (this.routed.putIfAbsent(sessionId, userId) == null
					&& this.sessions.merge(userId, 1, Integer::sum) == 1) {
				this.routes.settle(userId);
			}
		});
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		String userId = this.routed.remove(event.getSessionId());
		if (userId == null) {
			return;
		}
		Integer left = this.sessions.computeIfPresent(userId, (user, count) -> (count > 1) ? count - 1 : null);
		if (left == null) {
			this.routes.settle(userId);
		}
	}

	/**
	 * Redis answers: what failed during a blip is written now; after Redis lost our lease
	 * (and maybe everything), say again where our users are.
	 */
	@Override
	public void leaseRenewed(boolean regained) {
		if (regained) {
			this.sessions.keySet().forEach(this.routes::settle);
		}
		this.routes.retryNow();
	}

	/**
	 * Writes whether this instance holds a session of the user; retried until it holds.
	 */
	private CompletionStage<?> route(String userId) {
		if (this.sessions.containsKey(userId)) {
			return this.connections.commands().sadd(this.keys.userInstances(userId), this.instance.value());
		}
		return this.connections.commands().srem(this.keys.userInstances(userId), this.instance.value());
	}

	private void receive(byte[] payload) {
		String text = new String(payload, StandardCharsets.UTF_8);
		int colon = text.indexOf(':');
		int length = Integer.parseInt(text, 0, colon, 10);
		String userId = text.substring(colon + 1, colon + 1 + length);
		this.local.deliverLocally(userId, text.substring(colon + 1 + length).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * {@code <length of user id>:<user id><event JSON>}: user ids may hold any character.
	 */
	private static String frame(String userId, String eventJson) {
		return userId.length() + ":" + userId + eventJson;
	}

}
