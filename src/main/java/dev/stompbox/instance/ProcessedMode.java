package dev.stompbox.instance;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.Environment;

/**
 * What a jar processed by Spring AOT was built for. Spring AOT evaluates the conditions
 * that choose beans once, at build time: a jar processed for cluster mode has the cluster
 * beans whatever {@code REDIS_URL} says at start, and one processed with actuator on the
 * application's port serves it there even with {@code MANAGEMENT_SERVER_PORT} set. The
 * code Spring AOT generates calls {@link #verify} before the context is refreshed
 * ({@link ProcessedModeAotProcessor}), so such a start fails at once instead of running
 * another mode's beans.
 *
 * @param mode single node or cluster
 * @param managementPort where actuator is served
 */
public record ProcessedMode(Mode mode, ManagementPortType managementPort) {

	static ProcessedMode of(Environment environment) {
		return new ProcessedMode(Mode.of(environment), ManagementPortType.get(environment));
	}

	/**
	 * Refuses to start when the environment would choose other beans than those the jar
	 * was processed with. Public for the generated code, which is in another package.
	 * @param environment the environment of this start
	 * @param mode the mode the jar was processed for
	 * @param managementPort the management port type it was processed for
	 */
	public static void verify(Environment environment, Mode mode, ManagementPortType managementPort) {
		ProcessedMode processed = new ProcessedMode(mode, managementPort);
		ProcessedMode started = of(environment);
		if (!processed.equals(started)) {
			throw new ProcessedModeMismatchException(processed, started);
		}
	}

	/** What differs from {@code other}, in the operator's words: the variables. */
	String differencesFrom(ProcessedMode other) {
		List<String> differences = new ArrayList<>();
		if (this.mode != other.mode) {
			differences
				.add((this.mode == Mode.CLUSTER) ? "cluster mode (REDIS_URL set)" : "single-node mode (no REDIS_URL)");
		}
		if (this.managementPort != other.managementPort) {
			differences.add(switch (this.managementPort) {
				case SAME -> "actuator on the application's port (no MANAGEMENT_SERVER_PORT)";
				case DIFFERENT -> "actuator on a port of its own (MANAGEMENT_SERVER_PORT set)";
				case DISABLED -> "actuator off HTTP (MANAGEMENT_SERVER_PORT=-1)";
			});
		}
		return String.join(" and ", differences);
	}

}
