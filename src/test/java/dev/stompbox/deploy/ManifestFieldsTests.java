package dev.stompbox.deploy;

import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of every manifest is one its model defines: a typo ({@code readinesProbe})
 * or a field at the wrong level would otherwise be dropped without a word, by the model
 * here and by the API server or Cloud Run there.
 */
class ManifestFieldsTests {

	static Stream<Arguments> manifests() {
		return Stream.of(manifest(Manifests.DEPLOYMENT, Manifests::deployment),
				manifest(Manifests.SERVICE, Manifests::service), manifest(Manifests.HPA, Manifests::hpa),
				manifest(Manifests.PDB, Manifests::pdb), manifest(Manifests.CONFIG_MAP, Manifests::configMap),
				manifest(Manifests.SECRET, Manifests::secret), manifest(Manifests.CLOUD_RUN, Manifests::cloudRun));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("manifests")
	void everyFieldIsOneTheModelDefines(Path path, Supplier<Object> model) {
		assertThat(Manifests.unknownFields(model.get())).as("fields of %s its model does not define", path).isEmpty();
	}

	private static Arguments manifest(Path path, Supplier<Object> model) {
		return Arguments.of(path, model);
	}

}
