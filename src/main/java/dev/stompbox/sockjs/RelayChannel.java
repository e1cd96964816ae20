package dev.stompbox.sockjs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.ChannelHandler;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;

/**
 * This instance's SockJS channel in Redis: relayed requests of the sessions it holds come
 * in on it, and the answers to the requests it relayed. Messages on one channel arrive in
 * the order their one publisher sent them, which keeps a session's frames in order.
 */
class RelayChannel implements ChannelHandler {

	private static final Log logger = LogFactory.getLog(RelayChannel.class);

	static final LuaScript RELAY = LuaScript.load(RelayChannel.class, "relay.lua");

	private final RedisConnections connections;

	private final RedisScripts scripts;

	private final RedisKeys keys;

	private final InstanceId instance;

	private volatile @Nullable Listener listener;

	RelayChannel(RedisConnections connections, RedisScripts scripts, RedisKeys keys, InstanceId instance) {
		this.connections = connections;
		this.scripts = scripts;
		this.keys = keys;
		this.instance = instance;
	}

	String instance() {
		return this.instance.value();
	}

	/** Subscribes this instance's channel; complete once Redis confirmed it. */
	CompletionStage<Void> listen(ChannelSubscriptions subscriptions, Listener listener) {
		this.listener = listener;
		return subscriptions.subscribe(this, this.keys.sockJsChannel(this.instance));
	}

	/** Stops listening: requests of the sessions held here then get 404 elsewhere. */
	void unlisten(ChannelSubscriptions subscriptions) {
		subscriptions.unsubscribe(this.keys.sockJsChannel(this.instance));
	}

	/**
	 * Publishes the request to the instance that holds the session, in one round trip
	 * with looking that instance up.
	 */
	CompletionStage<Relayed> relay(String sessionId, RelayMessage request) {
		return this.scripts
			.<List<Object>>run(RELAY, ScriptOutputType.MULTI, new String[] { this.keys.sockJsSession(sessionId) },
					this.keys.instancePrefix(), RedisKeys.LEASE_SUFFIX, RedisKeys.SOCKJS_SUFFIX, request.encode())
			.thenApply(Relayed::of);
	}

	/**
	 * Publishes to one instance; completes with the number of instances that heard it.
	 */
	CompletionStage<Long> publish(String instance, RelayMessage message) {
		return this.connections.commands().publish(this.keys.sockJsChannel(new InstanceId(instance)), message.encode());
	}

	@Override
	public void message(String channel, byte[] payload) {
		Listener target = this.listener;
		if (target == null) {
			return;
		}
		RelayMessage message;
		try {
			message = RelayMessage.decode(new String(payload, StandardCharsets.UTF_8));
		}
		catch (RuntimeException ex) {
			logger.warn("Dropped a malformed SockJS relay message: " + ex.getMessage());
			return;
		}
		target.received(message);
	}

	/**
	 * Takes the messages of this instance's channel, on Lettuce's thread: must not block.
	 */
	@FunctionalInterface
	interface Listener {

		void received(RelayMessage message);

	}

	/**
	 * Where a relayed request went.
	 *
	 * @param holder the instance holding the session, {@code null} when none does
	 * @param receivers how many instances heard it: 0 when the holder no longer listens,
	 * -1 when its lease expired
	 */
	record Relayed(@Nullable String holder, long receivers) {

		static Relayed of(@Nullable List<Object> reply) {
			if (reply == null || reply.size() < 2) {
				return new Relayed(null, 0);
			}
			Object holder = reply.get(0);
			String name = (holder instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8)
					: String.valueOf(holder);
			return new Relayed(name, ((Number) reply.get(1)).longValue());
		}

		boolean delivered() {
			return this.holder != null && this.receivers > 0;
		}

	}

}
