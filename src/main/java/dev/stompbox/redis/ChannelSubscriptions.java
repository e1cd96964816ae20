package dev.stompbox.redis;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import io.lettuce.core.pubsub.RedisPubSubAdapter;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * This instance's Redis subscriptions, one handler per channel. A subscription completes
 * when Redis confirmed it: from then on every message published to the channel reaches
 * the handler. Lettuce subscribes again to every channel after a reconnect.
 */
public class ChannelSubscriptions {

	private static final Log logger = LogFactory.getLog(ChannelSubscriptions.class);

	private final RedisConnections connections;

	private final Map<String, BiConsumer<String, byte[]>> handlers = new ConcurrentHashMap<>();

	public ChannelSubscriptions(RedisConnections connections) {
		this.connections = connections;
		connections.subscriber().addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, byte[] message) {
				dispatch(channel, message);
			}

		});
	}

	/** Subscribes to the channels, all with the same handler of (channel, message). */
	public CompletionStage<Void> subscribe(BiConsumer<String, byte[]> handler, String... channels) {
		for (String channel : channels) {
			this.handlers.put(channel, handler);
		}
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		this.connections.subscriber().async().subscribe(channels).whenComplete((done, failure) -> {
			if (failure == null) {
				confirmed.complete(null);
			}
			else {
				confirmed.completeExceptionally(RedisScripts.translate(failure));
			}
		});
		return confirmed;
	}

	public void unsubscribe(String... channels) {
		for (String channel : channels) {
			this.handlers.remove(channel);
		}
		this.connections.subscriber().async().unsubscribe(channels).whenComplete((done, failure) -> {
			if (failure != null) {
				// When Redis is back, Lettuce resubscribes only what is still subscribed.
				logger.debug("UNSUBSCRIBE failed: " + failure.getMessage());
			}
		});
	}

	private void dispatch(String channel, byte[] message) {
		BiConsumer<String, byte[]> handler = this.handlers.get(channel);
		if (handler == null) {
			return;
		}
		try {
			handler.accept(channel, message);
		}
		catch (RuntimeException ex) {
			logger.warn("Handling a message from " + channel + " failed", ex);
		}
	}

}
