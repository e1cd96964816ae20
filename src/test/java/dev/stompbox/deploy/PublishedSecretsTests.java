package dev.stompbox.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.stompbox.security.jwt.JwtProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A key written into the documentation or a deploy file is public: whoever copies it runs
 * a server that accepts tokens anyone can sign. So every literal value given to
 * {@code STOMPBOX_JWT_SECRET} in this repository's docs, deploy files and scripts must be
 * one the server refuses to start with; generated ones ({@code $(openssl rand ...)}) are
 * fine.
 */
class PublishedSecretsTests {

	/**
	 * {@code STOMPBOX_JWT_SECRET=value}, {@code STOMPBOX_JWT_SECRET: "value"} and the
	 * like.
	 */
	private static final Pattern ASSIGNMENT = Pattern
		.compile("STOMPBOX_JWT_SECRET[\"']?\\s*[=:]\\s*[\"']?([^\"'\\s`]+)");

	private static final List<String> PLACES = List.of("README.md", "CONTRIBUTING.md", "docs", "k8s", "docker",
			"src/bench");

	@Test
	void everyLiteralSecretInTheRepositoryIsRefusedAtStartUp() {
		List<String> literals = literalSecrets();
		assertThat(literals).as("the example secret of k8s/examples is found").isNotEmpty();
		for (String literal : literals) {
			assertThatIllegalArgumentException().as(literal)
				.isThrownBy(() -> new JwtProperties(literal, null, null, null, Duration.ofSeconds(10)));
		}
	}

	@Test
	void aGeneratedSecretIsAccepted() {
		new JwtProperties("q3Jx8r0vT1m2ZkLw9Yb4Hs7Pd6Fg5Nc0Ae1Ui2Oj3", null, null, null, Duration.ofSeconds(10));
	}

	private static List<String> literalSecrets() {
		List<String> literals = new ArrayList<>();
		for (String place : PLACES) {
			try (Stream<Path> files = Files.walk(Path.of(place))) {
				files.filter(Files::isRegularFile).forEach((file) -> {
					Matcher assignment = ASSIGNMENT.matcher(read(file));
					while (assignment.find()) {
						String value = assignment.group(1);
						if (!value.startsWith("$") && !value.startsWith("{")) {
							literals.add(value);
						}
					}
				});
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return literals;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			// Not text: nothing to read a key from.
			return "";
		}
	}

}
