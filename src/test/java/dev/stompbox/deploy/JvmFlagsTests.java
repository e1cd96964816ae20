package dev.stompbox.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM flags as a pod gets them, given to a real JVM (the one running the tests, the
 * image's major version): the image's {@code JAVA_TOOL_OPTIONS} and the Deployment's
 * {@code JDK_JAVA_OPTIONS} together are accepted, choose G1 and the Deployment's
 * processor count, whatever the machine.
 */
class JvmFlagsTests {

	private static final Pattern JAVA_TOOL_OPTIONS = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"");

	@Test
	void podsJvmRunsG1WithTheDeploymentsProcessorCount() throws Exception {
		Container container = Manifests.container(Manifests.deployment());
		String launcherFlags = Manifests.env(container, "JDK_JAVA_OPTIONS").map(EnvVar::getValue).orElseThrow();
		Matcher processors = Pattern.compile("-XX:ActiveProcessorCount=(\\d+)").matcher(launcherFlags);
		assertThat(processors.find()).isTrue();
		String flags = finalFlags(Map.of("JAVA_TOOL_OPTIONS", imageToolOptions(), "JDK_JAVA_OPTIONS", launcherFlags));
		assertThat(flags).containsPattern("\\bUseG1GC\\s+= true\\b")
			.containsPattern("\\bUseSerialGC\\s+= false\\b")
			.containsPattern("\\bActiveProcessorCount\\s+= " + processors.group(1) + "\\b");
	}

	private static String imageToolOptions() {
		Matcher options = JAVA_TOOL_OPTIONS.matcher(Manifests.text(Manifests.DOCKERFILE));
		assertThat(options.find()).as("JAVA_TOOL_OPTIONS in %s", Manifests.DOCKERFILE).isTrue();
		return options.group(1);
	}

	/**
	 * {@code java -XX:+PrintFlagsFinal -version} with these variables: fails on any bad
	 * flag.
	 */
	private static String finalFlags(Map<String, String> env) throws IOException, InterruptedException {
		String java = ProcessHandle.current().info().command().orElseThrow();
		ProcessBuilder builder = new ProcessBuilder(java, "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true);
		builder.environment().remove("_JAVA_OPTIONS");
		builder.environment().putAll(env);
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("java with %s:%n%s", env, output).isZero();
		return output;
	}

}
