package dev.stompbox.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.pubsub.RedisPubSubAdapter;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * This instance's Redis subscriptions, one handler per channel. A subscription completes
 * when Redis confirmed it: from then on every message published to the channel reaches
 * the handler. Lettuce subscribes again to every channel after a reconnect; handlers hear
 * of it, since what was published in between is lost to pub/sub; a channel no handler
 * wants any more (its UNSUBSCRIBE failed) is unsubscribed again.
 */
public class ChannelSubscriptions {

	private static final Log logger = LogFactory.getLog(ChannelSubscriptions.class);

	private final RedisConnections connections;

	private final Map<String, ChannelHandler> handlers = new ConcurrentHashMap<>();

	/** Channels Redis confirmed at least once since they were subscribed. */
	private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

	public ChannelSubscriptions(RedisConnections connections) {
		this.connections = connections;
		connections.subscriber().addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, byte[] message) {
				dispatch(channel, message);
			}

			@Override
			public void subscribed(String channel, long count) {
				if (unsubscribeIfUnwanted(channel)) {
					return;
				}
				if (!ChannelSubscriptions.this.confirmed.add(channel)) {
					ChannelHandler handler = ChannelSubscriptions.this.handlers.get(channel);
					if (handler != null) {
						handler.resubscribed(channel);
					}
				}
			}

		});
	}

	/** Subscribes to the channels, all with the same handler. */
	public CompletionStage<Void> subscribe(ChannelHandler handler, String... channels) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		synchronized (this.handlers) {
			for (String channel : channels) {
				this.handlers.put(channel, handler);
			}
			this.connections.subscriber().async().subscribe(channels).whenComplete((ignored, failure) -> {
				if (failure == null) {
					done.complete(null);
				}
				else {
					done.completeExceptionally(RedisScripts.translate(failure));
				}
			});
		}
		return done;
	}

	public void unsubscribe(String... channels) {
		synchronized (this.handlers) {
			for (String channel : channels) {
				this.handlers.remove(channel);
				this.confirmed.remove(channel);
			}
			sendUnsubscribe(channels);
		}
	}

	/** Channels with a handler here. */
	public int channels() {
		return this.handlers.size();
	}

	/**
	 * An UNSUBSCRIBE that failed during a blip leaves the channel in the set Lettuce
	 * subscribes again after a reconnect: when Redis confirms a channel nobody here
	 * wants, it is unsubscribed again. Checked and sent under the lock {@link #subscribe}
	 * holds, so a subscription made meanwhile is never undone.
	 */
	private boolean unsubscribeIfUnwanted(String channel) {
		synchronized (this.handlers) {
			if (this.handlers.containsKey(channel)) {
				return false;
			}
			sendUnsubscribe(channel);
			return true;
		}
	}

	private void sendUnsubscribe(String... channels) {
		this.connections.subscriber().async().unsubscribe(channels).whenComplete((done, failure) -> {
			if (failure != null) {
				// Lettuce subscribes again to what was not unsubscribed, and that is then
				// undone.
				logger.debug("UNSUBSCRIBE failed: " + failure.getMessage());
			}
		});
	}

	private void dispatch(String channel, byte[] message) {
		ChannelHandler handler = this.handlers.get(channel);
		if (handler == null) {
			return;
		}
		try {
			handler.message(channel, message);
		}
		catch (RuntimeException ex) {
			logger.warn("Handling a message from " + channel + " failed", ex);
		}
	}

}
