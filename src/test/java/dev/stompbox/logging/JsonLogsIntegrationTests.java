package dev.stompbox.logging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.StompboxApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The server started as an operator starts it, with {@code STOMPBOX_LOG_FORMAT=json} and
 * nothing else about logging: every line on the console, from the first, is one JSON
 * object with Cloud Logging's fields. In a JVM of its own, because Spring Boot hands the
 * format to Logback through a system property that it never clears, and the other tests'
 * output would turn to JSON too.
 */
class JsonLogsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	@Test
	void everyLineOfTheServerIsJsonWithSeverityMessageAndTime() throws Exception {
		List<String> lines = startUntilReady(Map.of("STOMPBOX_LOG_FORMAT", "json", "STOMPBOX_DEMO", "true"));
		List<JsonNode> entries = new ArrayList<>();
		for (String line : lines) {
			JsonNode entry = JSON.readTree(line);
			assertThat(entry.isObject()).as(line).isTrue();
			assertThat(entry.path("severity").asString()).as(line).isIn("DEBUG", "INFO", "WARNING", "ERROR");
			assertThat(entry.path("message").asString()).as(line).isNotEmpty();
			assertThat(entry.path("time").asString()).as(line).endsWith("Z");
			entries.add(entry);
		}
		// Demo mode logs a warning (PROTOCOL.md section 2).
		assertThat(entries).anySatisfy((entry) -> assertThat(entry.path("severity").asString()).isEqualTo("WARNING"));
		JsonNode ready = entries.get(entries.size() - 1);
		assertThat(ready.path("severity").asString()).isEqualTo("INFO");
		assertThat(ready.path("logger").asString()).isEqualTo("dev.stompbox.instance.StartupBanner");
		assertThat(ready.path("thread").asString()).isNotEmpty();
	}

	@Test
	void anUnknownFormatStopsTheStartAndNamesTheSetting() throws Exception {
		List<String> lines = start(Map.of("STOMPBOX_LOG_FORMAT", "yaml", "STOMPBOX_DEMO", "true"));
		assertThat(lines).noneMatch((line) -> line.contains("ready at http://"));
		assertThat(String.join("\n", lines)).contains("stompbox.log-format").contains("yaml");
	}

	private static List<String> startUntilReady(Map<String, String> variables) throws Exception {
		List<String> lines = start(variables);
		assertThat(lines).as("the server's output").isNotEmpty();
		assertThat(lines.get(lines.size() - 1)).as("the server's last line").contains("ready at http://");
		return lines;
	}

	/**
	 * The server's console lines (its standard output, where Spring Boot logs) up to and
	 * including the one that says it is ready, or all of them if it stops first.
	 */
	private static List<String> start(Map<String, String> variables) throws Exception {
		String java = ProcessHandle.current().info().command().orElseThrow();
		ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), StompboxApplication.class.getName(), "--server.port=0")
			.redirectError(ProcessBuilder.Redirect.INHERIT);
		// Nothing of this machine's own settings: only the variables given.
		builder.environment()
			.keySet()
			.removeIf(
					(name) -> name.startsWith("STOMPBOX_") || name.startsWith("SPRING_") || name.startsWith("LOGGING_")
							|| name.startsWith("MANAGEMENT_") || name.equals("REDIS_URL") || name.equals("PORT"));
		builder.environment().putAll(variables);
		Process server = builder.start();
		BlockingQueue<String> output = new LinkedBlockingQueue<>();
		Thread reader = Thread.ofPlatform().daemon().start(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
				in.lines().forEach(output::add);
			}
			catch (IOException ex) {
				// the process is gone
			}
		});
		List<String> lines = new ArrayList<>();
		try {
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				String line = output.poll(200, TimeUnit.MILLISECONDS);
				if (line == null) {
					if (!server.isAlive() && !reader.isAlive() && output.isEmpty()) {
						return lines;
					}
					continue;
				}
				if (line.isBlank()) {
					continue;
				}
				lines.add(line);
				if (line.contains("ready at http://")) {
					return lines;
				}
			}
			return fail("The server was not ready within " + START_TIMEOUT + ": " + lines);
		}
		finally {
			server.destroyForcibly();
			server.waitFor(10, TimeUnit.SECONDS);
			reader.join(Duration.ofSeconds(5));
		}
	}

}
