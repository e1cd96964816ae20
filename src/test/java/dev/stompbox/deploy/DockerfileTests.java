package dev.stompbox.deploy;

import java.nio.file.Path;
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
 * build with the wrapper, Spring AOT for cluster mode and the layered jar, a JRE runtime
 * as a non-root user that honours PORT, a health check on the liveness group, and an AOT
 * cache trained at build time on the runtime's JRE.
 */
class DockerfileTests {

	private static final Path TRAINING_SCRIPT = Path.of("docker/train-aot-cache.sh");

	/** What the training script sources from its own directory. */
	private static final Path TRAINING_HELPER = Path.of("docker/local-processes.sh");

	private final List<Instruction> instructions = Instruction.parse(Manifests.text(Manifests.DOCKERFILE));

	private final List<Instruction> froms = all("FROM");

	private final int runtimeStage = this.instructions.getLast().stage();

	private final String jar = finalName() + ".jar";

	@Test
	void buildsInOneStageAndRunsOnAJreInAnother() {
		assertThat(this.froms).hasSizeGreaterThanOrEqualTo(2);
		Matcher build = Pattern.compile("(\\S+)\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE)
			.matcher(this.froms.getFirst().arguments());
		assertThat(build.matches()).as("first FROM names its stage: %s", this.froms.getFirst().arguments()).isTrue();
		assertThat(build.group(1)).as("build image").contains("jdk");
		assertThat(baseImage(this.runtimeStage)).as("runtime image").contains("jre");
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
	 * The heap follows the container's memory limit instead of a fixed -Xmx, grows only
	 * when collecting takes half the time (a burst of connections otherwise left most of
	 * the maximum resident), and gives back what it no longer needs (G1 would keep up to
	 * 70% of it free), but not so much that a burst after a quiet spell runs into a heap
	 * just larger than what is live. Objects carry 8-byte headers, a tenth less heap per
	 * idle connection.
	 */
	@Test
	void memoryFlagsFollowTheContainerLimit() {
		String flags = String.join(" ", inRuntime("ENV").stream().map(Instruction::arguments).toList()) + " "
				+ String.join(" ", entrypoint());
		assertThat(flags)
			.contains("-XX:MaxRAMPercentage=", "-XX:GCTimeRatio=1", "-XX:+UseCompactObjectHeaders",
					"-XX:MaxHeapFreeRatio=20", "-XX:MinHeapSize=128m", "-XX:G1PeriodicGCInterval=")
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
	 * Spring AOT decides at build time which beans exist: the jar is processed for
	 * cluster mode, what production runs, and the image runs the processed code. Enabled
	 * in the environment rather than the entry point, so that JDK_JAVA_OPTIONS can turn
	 * it off.
	 */
	@Test
	void springAotIsProcessedForClusterModeAndRunInTheImage() {
		String build = String.join(" && ",
				all("RUN").stream().filter((run) -> run.stage() == 0).map(Instruction::arguments).toList());
		assertThat(build).containsPattern("\\./mvnw\\b.*\\bpackage\\b.*-Pcluster-aot\\b");
		assertThat(String.join(" ", inRuntime("ENV").stream().map(Instruction::arguments).toList()))
			.containsPattern("JAVA_TOOL_OPTIONS=\"[^\"]*-Dspring\\.aot\\.enabled=true");
		assertThat(entrypoint()).noneMatch((argument) -> argument.startsWith("-Dspring.aot.enabled"));
	}

	/**
	 * Since the demo-mode change the server refuses to start without a key or demo mode;
	 * the training run must start it without putting a key into the image.
	 */
	@Test
	void aotTrainingRunStartsInDemoModeWithoutAKey() {
		Instruction training = trainingRun();
		assertThat(training.arguments()).doesNotContainIgnoringCase("jwt");
		assertThat(Manifests.text(TRAINING_SCRIPT)).contains("STOMPBOX_DEMO=true")
			.contains("-u STOMPBOX_JWT_SECRET")
			.contains("-u STOMPBOX_JWT_JWKS_URI");
	}

	/**
	 * The training run starts the processed jar as production does, in cluster mode,
	 * records the cache at its exit, and puts a workload through it.
	 */
	@Test
	void aotTrainingRunsTheProcessedJarInClusterModeUnderAWorkload() {
		assertThat(Manifests.text(TRAINING_SCRIPT)).contains("source \"$(dirname \"$0\")/local-processes.sh\"");
		assertThat(all("COPY")).map(Instruction::arguments)
			.anySatisfy((copy) -> assertThat(copy).contains(TRAINING_SCRIPT.toString(), TRAINING_HELPER.toString()));
		String script = Manifests.text(TRAINING_SCRIPT) + Manifests.text(TRAINING_HELPER);
		assertThat(script).contains("-XX:AOTCacheOutput=", "-Dspring.aot.enabled=true", "REDIS_URL=", "redis-server")
			.containsPattern("LoadGenerator\\)?[\\s\\S]*\\bstorm\\b")
			.containsPattern("\\bfanout\\b")
			.doesNotContain("spring.context.exit");
	}

	/**
	 * The cache only fits the JVM, the flags and the jar it was trained with, at the same
	 * paths: it is trained in a stage of its own on the runtime's JRE and environment,
	 * with the layers copied as the runtime copies them, and the entry point maps it.
	 */
	@Test
	void aotCacheIsTrainedOnTheRuntimesJreAndUsedAtStart() {
		Pattern cacheCopy = Pattern.compile("--from=(\\S+)\\s+(\\S+\\.aot)\\s+(\\S+)");
		Matcher copy = inRuntime("COPY").stream()
			.map((instruction) -> cacheCopy.matcher(instruction.arguments()))
			.filter(Matcher::matches)
			.findFirst()
			.orElseThrow(() -> new AssertionError("the runtime stage copies no .aot cache from another stage"));
		int training = stageNamed(copy.group(1)).orElseThrow();
		assertThat(baseImage(training)).as("training's JRE").isEqualTo(baseImage(this.runtimeStage));
		assertThat(inStage(training, "ENV")).as("training's environment, JAVA_TOOL_OPTIONS included")
			.isEqualTo(inRuntime("ENV"));
		assertThat(layerCopies(training)).as("layers copied for training").isEqualTo(layerCopies(this.runtimeStage));
		assertThat(trainingRun().stage()).isEqualTo(training);
		assertThat(trainingRun().arguments()).contains(" /app ").endsWith(" " + copy.group(2));
		assertThat(entrypoint()).contains("-XX:AOTCache=" + copy.group(3))
			.containsSubsequence("-XX:AOTCache=" + copy.group(3), "-jar", "/app/" + this.jar);
	}

	private Instruction trainingRun() {
		return all("RUN").stream()
			.filter((run) -> run.arguments().contains(TRAINING_SCRIPT.getFileName().toString()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no RUN of " + TRAINING_SCRIPT));
	}

	/** The COPY instructions of the jar's layers, as they apply to {@code stage}. */
	private List<String> layerCopies(int stage) {
		return inStage(stage, "COPY").stream()
			.map(Instruction::arguments)
			.filter((copy) -> copy.matches(
					"--from=\\S+\\s+\\S*/(dependencies|spring-boot-loader|snapshot-dependencies|application)/?\\s.*"))
			.toList();
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
		return inStage(this.runtimeStage, keyword);
	}

	/**
	 * The instructions that apply to {@code stage}: its own and, when it is built FROM
	 * another stage, that one's, first.
	 */
	private List<Instruction> inStage(int stage, String keyword) {
		List<Integer> lineage = lineage(stage);
		return all(keyword).stream().filter((instruction) -> lineage.contains(instruction.stage())).toList();
	}

	/** {@code stage} and the stages it is built on. */
	private List<Integer> lineage(int stage) {
		List<Integer> stages = new ArrayList<>();
		for (Integer current = stage; current != null; current = stageNamed(fromImage(current)).orElse(null)) {
			stages.add(current);
		}
		return stages;
	}

	/** The image a stage starts from in the end, through the stages it is built on. */
	private String baseImage(int stage) {
		return fromImage(lineage(stage).getLast());
	}

	private String fromImage(int stage) {
		return this.froms.get(stage).arguments().split("\\s+")[0];
	}

	private Optional<Integer> stageNamed(String name) {
		Pattern as = Pattern.compile("\\S+\\s+AS\\s+" + Pattern.quote(name), Pattern.CASE_INSENSITIVE);
		for (int stage = 0; stage < this.froms.size(); stage++) {
			if (as.matcher(this.froms.get(stage).arguments()).matches()) {
				return Optional.of(stage);
			}
		}
		return Optional.empty();
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
