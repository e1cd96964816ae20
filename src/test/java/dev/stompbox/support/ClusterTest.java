package dev.stompbox.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against one {@link StompboxCluster}, started before the class's
 * {@code @BeforeAll} methods and stopped after its {@code @AfterAll} methods (or, with
 * {@link #perTest()}, one for each test). Its Redis is the one every such class of the
 * JVM shares, under a key prefix of the cluster's own, unless the class needs a Redis of
 * its own ({@link #ownRedis()}, {@link #redisPassword()}).
 * <p>
 * Fields of type {@link StompboxCluster}, {@link RedisTestServer} and {@link RedisProxy}
 * (when {@link #redisProxy()}) are set, static ones for the class, instance ones for a
 * test with {@link #perTest()}, and parameters of those types resolved. A
 * {@code StatefulRedisConnection<String, String>} field gets a connection of its own to
 * Redis, for reading what the instances wrote, and a {@code RedisClient} field the client
 * it came from.
 *
 * @see ClusterExtension
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ClusterExtension.class)
public @interface ClusterTest {

	/** How many instances to start, named {@code node-0} onwards. */
	int instances() default 2;

	/** Properties of every instance, each {@code name=value}. */
	String[] properties() default {};

	/** The password Redis requires; none when empty. A Redis of the class's own. */
	String redisPassword() default "";

	/**
	 * Whether the instances reach Redis through a {@link RedisProxy}, so that a test can
	 * cut the network between them while Redis keeps its data.
	 */
	boolean redisProxy() default false;

	/**
	 * Whether the class gets a Redis of its own, under no key prefix: for tests that stop
	 * or restart Redis, or read what a shared one would mix with other classes' traffic.
	 */
	boolean ownRedis() default false;

	/**
	 * Whether each test gets a cluster (and key prefix, or Redis) of its own, started
	 * before its {@code @BeforeEach} methods and stopped after its {@code @AfterEach}
	 * methods, with the properties of its {@link WithProperties} beside the class's.
	 */
	boolean perTest() default false;

	/**
	 * Properties of the instances of one test's cluster in a {@link #perTest()} class,
	 * each {@code name=value}, beside (and over) the class's.
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface WithProperties {

		String[] value();

	}

}
