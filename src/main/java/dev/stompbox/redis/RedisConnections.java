package dev.stompbox.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The two Lettuce connections of an instance, taken from the client Spring Data Redis
 * configured (address, password, TLS, timeouts, reconnect): one multiplexed connection
 * for commands, one for subscriptions. Both reconnect by themselves; the subscriber
 * resubscribes its channels when it does.
 */
public class RedisConnections implements AutoCloseable {

	private final StatefulRedisConnection<String, String> commands;

	private final StatefulRedisPubSubConnection<String, byte[]> subscriber;

	RedisConnections(LettuceConnectionFactory factory) {
		AbstractRedisClient client = factory.getRequiredNativeClient();
		if (!(client instanceof RedisClient redis)) {
			throw new IllegalStateException("Stompbox needs a standalone or replicated Redis, not Redis Cluster");
		}
		this.commands = redis.connect(StringCodec.UTF8);
		this.subscriber = redis.connectPubSub(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
	}

	public RedisAsyncCommands<String, String> commands() {
		return this.commands.async();
	}

	public StatefulRedisPubSubConnection<String, byte[]> subscriber() {
		return this.subscriber;
	}

	/**
	 * Drops both connections at once, as a crashed instance would. For tests of crashes.
	 */
	@Override
	public void close() {
		this.subscriber.close();
		this.commands.close();
	}

}
