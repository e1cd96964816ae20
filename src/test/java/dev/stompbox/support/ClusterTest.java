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
 * {@code @AfterAll} methods. Static fields of type {@link StompboxCluster} and
 * {@link RedisTestServer} are set, and parameters of those types resolved.
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

}
