package dev.stompbox.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/Dockerfile}, read as text (no Docker engine is needed): a multi-stage
 * build with the wrapper and the layered jar, a JRE runtime as a non-root user that
 * honours PORT, a health check on the liveness group, and an AOT cache trained at build
 * time.
 */
class DockerfileTests {

	private final List<Instruction> instructions = Instruction.parse(Manifests.text(Manifests.DOCKERFILE));

	private final int runtimeStage = this.instructions.getLast().stage();

	private final String jar = finalName() + ".jar";

	@Test
	void buildsInOneStageAndRunsOnAJreInAnother() {
		List<Instruction> froms = all("FROM");
		assertThat(froms).hasSizeGreaterThanOrEqualTo(2);
		Matcher build = Pattern.compile("(\\S+)\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE)
			.matcher(froms.getFirst().arguments());
		assertThat(build.matches()).as("first FROM names its stage: %s", froms.getFirst().arguments()).isTrue();
		assertThat(build.group(1)).as("build image").contains("jdk");
		assertThat(froms.getLast().arguments()).as("runtime image").contains("jre");
		assertThat(inRuntime("COPY")).as("COPY --from=%s in the runtime stage", build.group(2))
			.anySatisfy((copy) -> assertThat(copy.arguments()).startsWith("--from=" + build.group(2) + " "));
	}

	@Test
	void buildStageBuildsWithTheWrapperAndExtractsTheLayeredJar() {
		String build = String.join(" && ",
				all("RUN").stream().filter((run) -> run.stage() == 0).map(Instruction::arguments).toList());
		assertThat(build).containsPattern("\\./mvnw\\b.*\\bpackage\\b");
		assertThat(build).as("extracts the jar the pom builds (finalName %s)", finalName())
			.contains("-Djarmode=tools -jar target/" + this.jar + " extract --layers");
	}

	/** Least often changed first, so that a code change rebuilds only the last layer. */
	@Test
	void runtimeCopiesTheJarLayersLeastChangedFirst() {
		List<String> layers = new ArrayList<>();
		Pattern layer = Pattern
			.compile("--from=\\S+\\s+\\S*/(dependencies|spring-boot-loader|snapshot-dependencies|application)/?\\s");
		for (Instruction copy : inRuntime("COPY")) {
			Matcher matcher = layer.matcher(copy.arguments());
			if (matcher.find()) {
				layers.add(matcher.group(1));
			}
		}
		assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies",
				"application");
	}

	/**
	 * A numeric uid, so that Kubernetes' runAsNonRoot can check it, and the one the
	 * Deployment sets.
	 */
	@Test
	void runsAsTheNonRootUserTheDeploymentExpects() {
		Instruction user = last(inRuntime("USER"))
			.orElseThrow(() -> new AssertionError("no USER in the runtime stage"));
		String uid = user.arguments().split(":")[0];
		assertThat(uid).isNotIn("root", "0").matches("[1-9][0-9]*");
		Long runAsUser = Manifests.deployment().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();
		assertThat(Long.parseLong(uid)).isEqualTo(runAsUser);
	}

	@Test
	void exposesTheApplicationsDefaultPortAndLeavesPortToTheEnvironment() {
		assertThat(inRuntime("EXPOSE")).extracting(Instruction::arguments).containsExactly("8080");
		// PORT, if the image sets it, is only the default: the platform's value wins
		// (Cloud Run sets it).
		inRuntime("ENV").stream()
			.map(Instruction::arguments)
			.filter((env) -> env.matches("(?s).*\\bPORT=.*"))
			.forEach((env) -> assertThat(env).containsPattern("\\bPORT=8080\\b"));
		assertThat(entrypoint())
			.noneMatch((argument) -> argument.startsWith("-Dserver.port") || argument.startsWith("--server.port"));
	}

	@Test
	void healthCheckGetsTheLivenessGroupOnTheApplicationsPort() {
		Instruction check = last(inRuntime("HEALTHCHECK"))
			.orElseThrow(() -> new AssertionError("no HEALTHCHECK in the runtime stage"));
		assertThat(check.arguments()).contains("/actuator/health/liveness")
			.as("port of the health check: the PORT the application honours")
			.containsPattern("\\$\\{?PORT\\b");
	}

	/**
	 * Temurin's JRE images have neither curl nor wget: a check that uses one fails for
	 * ever.
	 */
	@Test
	void healthCheckUsesOnlyToolsTheRuntimeImageHas() {
		String check = last(inRuntime("HEALTHCHECK")).orElseThrow().arguments();
		String installed = String.join(" ", inRuntime("RUN").stream().map(Instruction::arguments).toList());
		for (String tool : List.of("curl", "wget")) {
			if (check.matches("(?s).*\\b" + tool + "\\b.*")) {
				assertThat(installed).as("the runtime stage installs %s, which HEALTHCHECK uses", tool)
					.containsPattern("(apt-get|apk|microdnf|dnf|yum) .*\\binstall\\b.*\\b" + tool + "\\b");
			}
		}
	}

	/**
	 * Exec form: java is PID 1 and gets the SIGTERM that starts the drain, no shell in
	 * between.
	 */
	@Test
	void entrypointIsExecFormStartingJavaOnTheJar() {
		List<String> entrypoint = entrypoint();
		assertThat(entrypoint.getFirst()).isEqualTo("java");
		assertThat(entrypoint).containsSubsequence("-jar", "/app/" + this.jar);
	}

	/**
	 * The heap follows the container's memory limit instead of a fixed -Xmx, and gives
	 * back what it no longer needs (G1 would keep up to 70% of it free).
	 */
	@Test
	void memoryFlagsFollowTheContainerLimit() {
		String flags = String.join(" ", inRuntime("ENV").stream().map(Instruction::arguments).toList()) + " "
				+ String.join(" ", entrypoint());
		assertThat(flags).contains("-XX:MaxRAMPercentage=", "-XX:MaxHeapFreeRatio=20", "-XX:G1PeriodicGCInterval=")
			.doesNotContain("-Xmx");
	}

	/**
	 * The collector is named: at under 2 processors or 1792 MB (a 1 GiB pod) the JVM
	 * would choose Serial, and the G1 flags beside it would do nothing.
	 */
	@Test
	void garbageCollectorIsG1ChosenExplicitly() {
		String flags = String.join(" ", inRuntime("ENV").stream().map(Instruction::arguments).toList()) + " "
				+ String.join(" ", entrypoint());
		List<String> collectors = new ArrayList<>();
		Matcher collector = Pattern.compile("-XX:\\+Use(\\w+)GC\\b").matcher(flags);
		while (collector.find()) {
			collectors.add(collector.group(1));
		}
		assertThat(collectors).containsExactly("G1");
	}

	/**
	 * Since the demo-mode change the server refuses to start without a key or demo mode;
	 * the training run must start it without putting a key into the image.
	 */
	@Test
	void aotTrainingRunStartsInDemoModeWithoutAKey() {
		String training = inRuntime("RUN").stream()
			.map(Instruction::arguments)
			.filter((run) -> run.contains("-XX:AOTCacheOutput="))
			.findFirst()
			.orElseThrow();
		assertThat(training).contains("-Dstompbox.demo=true").doesNotContain("jwt");
	}

	/**
	 * A training run in the runtime stage, on the jar and JVM that start later, records
	 * the cache ({@code -XX:AOTCacheOutput}, or a CDS archive) and the entry point uses
	 * it.
	 */
	@Test
	void aotCacheIsTrainedAtBuildTimeAndUsedAtStart() {
		Pattern output = Pattern.compile("-XX:(?:AOTCacheOutput|ArchiveClassesAtExit)=(\\S+)");
		List<Instruction> runs = inRuntime("RUN");
		Instruction training = runs.stream()
			.filter((run) -> output.matcher(run.arguments()).find())
			.findFirst()
			.orElseThrow(() -> new AssertionError("no RUN with -XX:AOTCacheOutput or -XX:ArchiveClassesAtExit"));
		Matcher cache = output.matcher(training.arguments());
		assertThat(cache.find()).isTrue();
		assertThat(training.arguments()).contains("-Dspring.context.exit=onRefresh").contains("-jar /app/" + this.jar);
		int applicationLayer = this.instructions.indexOf(inRuntime("COPY").stream()
			.filter((copy) -> copy.arguments().contains("/application/"))
			.findFirst()
			.orElseThrow());
		assertThat(this.instructions.indexOf(training)).as("training runs after the application layer is in place")
			.isGreaterThan(applicationLayer);
		assertThat(entrypoint()).containsAnyOf("-XX:AOTCache=" + cache.group(1),
				"-XX:SharedArchiveFile=" + cache.group(1));
	}

	private List<String> entrypoint() {
		Instruction entrypoint = last(inRuntime("ENTRYPOINT"))
			.orElseThrow(() -> new AssertionError("no ENTRYPOINT in the runtime stage"));
		assertThat(entrypoint.arguments()).as("ENTRYPOINT in exec form").startsWith("[");
		try {
			return new ObjectMapper().readValue(entrypoint.arguments(), new TypeReference<List<String>>() {
			});
		}
		catch (Exception ex) {
			throw new AssertionError("ENTRYPOINT is not a JSON array: " + entrypoint.arguments(), ex);
		}
	}

	private List<Instruction> all(String keyword) {
		return this.instructions.stream().filter((instruction) -> instruction.keyword().equals(keyword)).toList();
	}

	private List<Instruction> inRuntime(String keyword) {
		return all(keyword).stream().filter((instruction) -> instruction.stage() == this.runtimeStage).toList();
	}

	private static Optional<Instruction> last(List<Instruction> instructions) {
		return instructions.isEmpty() ? Optional.empty() : Optional.of(instructions.getLast());
	}

	/** {@code <build><finalName>} of the pom: the jar's name. */
	private static String finalName() {
		try {
			NodeList names = DocumentBuilderFactory.newInstance()
				.newDocumentBuilder()
				.parse(Manifests.POM.toFile())
				.getElementsByTagName("finalName");
			assertThat(names.getLength()).as("finalName in %s", Manifests.POM).isEqualTo(1);
			return names.item(0).getTextContent().strip();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot read " + Manifests.POM, ex);
		}
	}

	/**
	 * One Dockerfile instruction with its continuation lines joined; {@code stage} counts
	 * the {@code FROM}s before it, from 0.
	 */
	record Instruction(int stage, String keyword, String arguments) {

		static List<Instruction> parse(String dockerfile) {
			List<Instruction> instructions = new ArrayList<>();
			int stage = -1;
			StringBuilder current = null;
			for (String line : dockerfile.split("\\R")) {
				String trimmed = line.strip();
				// Comment lines end nothing, even inside a continued instruction; nor do
				// empty lines.
				if (trimmed.startsWith("#") || trimmed.isEmpty()) {
					continue;
				}
				boolean continued = trimmed.endsWith("\\");
				String content = continued ? trimmed.substring(0, trimmed.length() - 1).strip() : trimmed;
				current = (current != null) ? current.append(' ').append(content) : new StringBuilder(content);
				if (!continued) {
					String[] keywordAndArguments = current.toString().split("\\s+", 2);
					String keyword = keywordAndArguments[0].toUpperCase();
					if (keyword.equals("FROM")) {
						stage++;
					}
					instructions.add(new Instruction(stage, keyword,
							(keywordAndArguments.length > 1) ? keywordAndArguments[1] : ""));
					current = null;
				}
			}
			return instructions;
		}

	}

}
