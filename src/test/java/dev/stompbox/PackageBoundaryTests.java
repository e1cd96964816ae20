package dev.stompbox;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Features depend on each other only through their public types, and never in a cycle. A
 * feature's sub-packages are its internals (Spring Modulith lets no other feature use
 * them), and they do not depend on each other in a cycle either.
 */
class PackageBoundaryTests {

	@Test
	void featuresOnlyUseEachOthersPublicTypesWithoutCycles() {
		ApplicationModules.of(StompboxApplication.class).verify();
	}

	@Test
	void subPackagesOfAFeatureDependOnEachOtherWithoutCycles() {
		JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackagesOf(StompboxApplication.class);
		slices().matching(StompboxApplication.class.getPackageName() + ".(*).(*)..")
			.should()
			.beFreeOfCycles()
			.check(classes);
	}

}
