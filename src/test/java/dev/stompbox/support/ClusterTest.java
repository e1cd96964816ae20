package dev.stompbox.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against one {@link StompboxCluster} on its own Redis, both
 * started before the class's {@code @BeforeAll} methods and stopped after its
 * {@code @AfterAll} methods. Static fields of type {@link StompboxCluster},
 * {@link RedisTestServer} and {@link RedisProxy} (when {@link #redisProxy()}) are set,
 * and parameters of those types resolved; a static
 * {@code StatefulRedisConnection<String, String>} field gets a connection of its own to
 * Redis, for reading what the instances wrote.
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

	/** The password Redis requires; none when empty. */
	String redisPassword() default "";

	/**
	 * Whether the instances reach Redis through a {@link RedisProxy}, so that a test can
	 * cut the network between them while Redis keeps its data.
	 */
	boolean redisProxy() default false;

}
