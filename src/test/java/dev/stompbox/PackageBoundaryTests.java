package dev.stompbox;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Features depend on each other only through their public types, and never in a cycle.
 */
class PackageBoundaryTests {

	@Test
	void featuresOnlyUseEachOthersPublicTypesWithoutCycles() {
		ApplicationModules.of(StompboxApplication.class).verify();
	}

}
