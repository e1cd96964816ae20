package dev.stompbox.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.stompbox.StompboxApplication;

/**
 * Several Stompbox instances, each a full application context on a random port, sharing
 * one Redis: the cluster a test runs against.
 */
public final class StompboxCluster implements AutoCloseable {

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private final String redisUrl;

	private final @Nullable String keyPrefix;

	private final Map<String, Object> properties;

	public StompboxCluster(RedisTestServer redis, Map<String, Object> properties) {
		this(redis.url(), null, properties);
	}

	/**
	 * A cluster on the Redis at the URL (one behind a {@link RedisProxy}, for example),
	 * its keys, channels and streams under the prefix when one is given, so that it sees
	 * no other cluster's traffic on a Redis they share.
	 */
	public StompboxCluster(String redisUrl, @Nullable String keyPrefix, Map<String, Object> properties) {
		this.redisUrl = redisUrl;
		this.keyPrefix = keyPrefix;
		this.properties = properties;
	}

	/**
	 * Another cluster, with no instance yet, on the same Redis under the same key prefix
	 * (so its instances share this one's rooms), with these properties instead of this
	 * one's. The caller closes it.
	 */
	public StompboxCluster another(Map<String, Object> properties) {
		return new StompboxCluster(this.redisUrl, this.keyPrefix, properties);
	}

	public ConfigurableApplicationContext startInstance(String instanceId) {
		return startInstance(instanceId, Map.of());
	}

	/**
	 * Starts an instance with properties of its own beside the cluster's (a revision,
	 * say).
	 */
	public ConfigurableApplicationContext startInstance(String instanceId, Map<String, Object> own) {
		List<String> args = new ArrayList<>(
				List.of("--REDIS_URL=" + this.redisUrl, "--server.port=0", "--stompbox.instance-id=" + instanceId));
		if (!this.properties.containsKey("stompbox.jwt.secret")) {
			args.add("--stompbox.jwt.secret=" + TestTokens.SECRET);
		}
		if (this.keyPrefix != null) {
			// The two names backends use too (PROTOCOL.md 7.2) are not under the prefix
			// by default.
			args.addAll(List.of("--stompbox.redis.prefix=" + this.keyPrefix,
					"--stompbox.redis.ingress-channel=" + this.keyPrefix + "out",
					"--stompbox.redis.command-stream=" + this.keyPrefix + "in"));
		}
		// Command-line arguments, so they win over application.yaml as an operator's
		// would.
		this.properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		own.forEach((name, value) -> args.add("--" + name + "=" + value));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(StompboxApplication.class)
			.run(args.toArray(String[]::new));
		this.instances.add(context);
		return context;
	}

	public ConfigurableApplicationContext instance(int index) {
		return this.instances.get(index);
	}

	public int port(int index) {
		return ((WebServerApplicationContext) instance(index)).getWebServer().getPort();
	}

	/** Connects the user to the instance over {@code /ws}. */
	public StompTestClient connect(int index, String userId) {
		return StompTestClient.connect(port(index), TestTokens.forUser(userId));
	}

	/** HTTP calls to the instance: the server API, its health probes. */
	public ServerApi api(int index) {
		return ServerApi.on(port(index));
	}

	public <T> T bean(int index, Class<T> type) {
		return instance(index).getBean(type);
	}

	public int size() {
		return this.instances.size();
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.instances) {
			try {
				context.close();
			}
			catch (RuntimeException ex) {
				// a crashed instance may fail to close cleanly
			}
		}
		this.instances.clear();
	}

}
