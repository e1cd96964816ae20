package dev.stompbox.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Starts the Redis and the cluster a {@link ClusterTest} class asks for, once per class
 * (or once per test), and stops them after it. The Redis every class shares is started
 * with the first and stopped when the JVM's tests are done.
 */
public final class ClusterExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(ClusterExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		ClusterTest settings = settings(context);
		if (!settings.perTest()) {
			start(context, settings, new String[0], null);
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		ClusterTest settings = settings(context);
		if (settings.perTest()) {
			String[] own = AnnotationSupport.findAnnotation(context.getTestMethod(), ClusterTest.WithProperties.class)
				.map(ClusterTest.WithProperties::value)
				.orElse(new String[0]);
			start(context, settings, own, context.getRequiredTestInstance());
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (settings(context).perTest()) {
			stop(context);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == StompboxCluster.class || type == RedisTestServer.class || type == RedisProxy.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Fixture fixture = extensionContext.getStore(NAMESPACE).get(Fixture.class, Fixture.class);
		if (fixture == null) {
			throw new ParameterResolutionException("No cluster started for " + extensionContext.getDisplayName());
		}
		return fixture.get(parameterContext.getParameter().getType());
	}

	private static ClusterTest settings(ExtensionContext context) {
		return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ClusterTest.class)
			.orElseThrow(() -> new IllegalStateException("No @ClusterTest on " + context.getRequiredTestClass()));
	}

	/**
	 * Starts a fixture in the context's store and sets the fields of the test class
	 * (static ones when {@code testInstance} is {@code null}).
	 */
	private static void start(ExtensionContext context, ClusterTest settings, String[] ownProperties,
			@Nullable Object testInstance) throws IllegalAccessException {
		Fixture fixture = new Fixture();
		// Stored before starting, so that what did start is stopped when a start fails.
		context.getStore(NAMESPACE).put(Fixture.class, fixture);
		String keyPrefix = null;
		if (settings.ownRedis() || !settings.redisPassword().isEmpty()) {
			fixture.redis = RedisTestServer.start(settings.redisPassword().isEmpty() ? null : settings.redisPassword());
			fixture.ownsRedis = true;
		}
		else {
			ExtensionContext.Store shared = context.getRoot().getStore(NAMESPACE);
			// Closed (it is AutoCloseable) when the root context is, after the last test.
			fixture.redis = shared.computeIfAbsent(RedisTestServer.class, (key) -> RedisTestServer.start(),
					RedisTestServer.class);
			int number = shared.computeIfAbsent(AtomicInteger.class, (key) -> new AtomicInteger(), AtomicInteger.class)
				.incrementAndGet();
			keyPrefix = context.getRequiredTestClass().getSimpleName() + "-" + number + ":";
		}
		String redisUrl = fixture.redis.url();
		if (settings.redisProxy()) {
			fixture.proxy = RedisProxy.to(fixture.redis);
			redisUrl = fixture.proxy.url();
		}
		Map<String, Object> properties = properties(settings.properties());
		properties.putAll(properties(ownProperties));
		fixture.cluster = new StompboxCluster(redisUrl, keyPrefix, properties);
		for (int i = 0; i < settings.instances(); i++) {
			fixture.cluster.startInstance("node-" + i);
		}
		inject(context.getRequiredTestClass(), testInstance, fixture);
	}

	private static void stop(ExtensionContext context) {
		Fixture fixture = context.getStore(NAMESPACE).remove(Fixture.class, Fixture.class);
		if (fixture != null) {
			fixture.close();
		}
	}

	static Map<String, Object> properties(String[] pairs) {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String pair : pairs) {
			int equals = pair.indexOf('=');
			if (equals < 0) {
				throw new IllegalArgumentException("Expected name=value, got '" + pair + "'");
			}
			properties.put(pair.substring(0, equals), pair.substring(equals + 1));
		}
		return properties;
	}

	private static void inject(Class<?> testClass, @Nullable Object testInstance, Fixture fixture)
			throws IllegalAccessException {
		boolean statics = testInstance == null;
		for (Field field : ReflectionSupport.findFields(testClass,
				(candidate) -> Modifier.isStatic(candidate.getModifiers()) == statics
						&& !Modifier.isFinal(candidate.getModifiers()),
				HierarchyTraversalMode.TOP_DOWN)) {
			Object value = fixture.get(field.getType());
			if (value != null) {
				field.setAccessible(true);
				field.set(testInstance, value);
			}
		}
	}

	private static final class Fixture implements AutoCloseable {

		private RedisTestServer redis;

		private boolean ownsRedis;

		private RedisProxy proxy;

		private StompboxCluster cluster;

		private RedisClient client;

		private StatefulRedisConnection<String, String> connection;

		Object get(Class<?> type) {
			if (type == StompboxCluster.class) {
				return this.cluster;
			}
			if (type == RedisTestServer.class) {
				return this.redis;
			}
			if (type == RedisProxy.class) {
				return this.proxy;
			}
			if (type == RedisClient.class) {
				return client();
			}
			if (type == StatefulRedisConnection.class) {
				return connection();
			}
			return null;
		}

		private RedisClient client() {
			if (this.client == null) {
				this.client = RedisClient.create(this.redis.url());
			}
			return this.client;
		}

		private StatefulRedisConnection<String, String> connection() {
			if (this.connection == null) {
				this.connection = client().connect();
			}
			return this.connection;
		}

		@Override
		public void close() {
			if (this.connection != null) {
				this.connection.close();
			}
			if (this.client != null) {
				this.client.shutdown();
			}
			if (this.cluster != null) {
				this.cluster.close();
			}
			if (this.proxy != null) {
				this.proxy.close();
			}
			if (this.redis != null && this.ownsRedis) {
				this.redis.close();
			}
		}

	}

}
