package dev.stompbox.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

	private final Map<String, Object> properties;

	public StompboxCluster(RedisTestServer redis, Map<String, Object> properties) {
		this(redis.url(), properties);
	}

	/**
	 * A cluster on the Redis at the URL: one behind a {@link RedisProxy}, for example.
	 */
	public StompboxCluster(String redisUrl, Map<String, Object> properties) {
		this.redisUrl = redisUrl;
		this.properties = properties;
	}

	public static StompboxCluster start(RedisTestServer redis, int size, Map<String, Object> properties) {
		StompboxCluster cluster = new StompboxCluster(redis, properties);
		for (int i = 0; i < size; i++) {
			cluster.startInstance("node-" + i);
		}
		return cluster;
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
