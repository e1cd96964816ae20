package dev.stompbox.security.jwt;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.SetArgs;
import org.springframework.stereotype.Component;

import dev.stompbox.instance.ConditionalOnCluster;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;

/**
 * Cluster demo mode: the first instance to start stores a random key in Redis, every
 * other one reads it, so a demo token works on every instance (PROTOCOL.md section 2).
 */
@Component
@ConditionalOnCluster
class RedisDemoKeySource implements DemoKeySource {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RedisConnections connections;

	private final RedisKeys keys;

	RedisDemoKeySource(RedisConnections connections, RedisKeys keys) {
		this.connections = connections;
		this.keys = keys;
	}

	@Override
	public byte[] key() {
		byte[] candidate = new byte[32];
		new SecureRandom().nextBytes(candidate);
		String encoded = Base64.getEncoder().encodeToString(candidate);
		try {
			// Blocking is fine here: it runs once, while the application starts.
			this.connections.commands()
				.set(this.keys.demoKey(), encoded, SetArgs.Builder.nx())
				.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			String shared = this.connections.commands()
				.get(this.keys.demoKey())
				.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return Base64.getDecoder().decode(shared);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not share the demo signing key through Redis", ex);
		}
	}

}
