package dev.stompbox.logging;

import java.time.Instant;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLogFormatterFactory;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON lines of {@code STOMPBOX_LOG_FORMAT=json}: the formatter made the way Spring
 * Boot makes it from {@code logging.structured.format.console}, by its class name.
 */
class JsonLogFormatterTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LoggerContext loggers = new LoggerContext();

	private final ThrowableProxyConverter throwables = new ThrowableProxyConverter();

	private StructuredLogFormatter<ILoggingEvent> formatter;

	@BeforeEach
	void createFormatter() {
		this.loggers.setMDCAdapter(new LogbackMDCAdapter());
		this.throwables.setContext(this.loggers);
		this.throwables.start();
		this.formatter = new StructuredLogFormatterFactory<>(ILoggingEvent.class, new MockEnvironment(),
				(parameters) -> parameters.add(ThrowableProxyConverter.class, this.throwables), (common) -> {
				})
			.get(LogFormat.JSON.structuredFormat());
	}

	@AfterEach
	void stop() {
		this.throwables.stop();
	}

	@Test
	void aLineIsOneJsonObjectWithTheFieldsCloudLoggingReads() {
		LoggingEvent event = event(Level.INFO, "Stompbox node-1 ready", null);
		event.setInstant(Instant.parse("2026-05-04T10:11:12.345678Z"));
		String line = this.formatter.format(event);
		assertThat(line).endsWith("\n").doesNotContain("\n\n");
		assertThat(line.strip()).doesNotContain("\n");
		JsonNode json = JSON.readTree(line);
		assertThat(json.propertyNames()).containsExactly("time", "severity", "message", "logger", "thread");
		assertThat(json.path("time").asString()).isEqualTo("2026-05-04T10:11:12.345678Z");
		assertThat(json.path("severity").asString()).isEqualTo("INFO");
		assertThat(json.path("message").asString()).isEqualTo("Stompbox node-1 ready");
		assertThat(json.path("logger").asString()).isEqualTo("dev.stompbox.Example");
		assertThat(json.path("thread").asString()).isEqualTo("main");
	}

	@Test
	void severitiesAreCloudLoggingsNames() {
		assertThat(severityOf(Level.ERROR)).isEqualTo("ERROR");
		assertThat(severityOf(Level.WARN)).isEqualTo("WARNING");
		assertThat(severityOf(Level.INFO)).isEqualTo("INFO");
		assertThat(severityOf(Level.DEBUG)).isEqualTo("DEBUG");
		assertThat(severityOf(Level.TRACE)).isEqualTo("DEBUG");
	}

	@Test
	void anExceptionComesAsAStackTraceInTheSameLine() {
		String line = this.formatter.format(event(Level.ERROR, "Relay failed",
				new IllegalStateException("Redis went away", new RuntimeException("connection reset"))));
		assertThat(line.strip()).doesNotContain("\n");
		JsonNode json = JSON.readTree(line);
		assertThat(json.path("severity").asString()).isEqualTo("ERROR");
		assertThat(json.path("message").asString()).isEqualTo("Relay failed");
		assertThat(json.path("stack_trace").asString()).startsWith("java.lang.IllegalStateException: Redis went away")
			.contains("\tat dev.stompbox.logging.JsonLogFormatterTests.")
			.contains("Caused by: java.lang.RuntimeException: connection reset");
	}

	@Test
	void mdcAndKeyValuePairsBecomeFields() {
		LoggingEvent event = event(Level.INFO, "joined", null);
		event.setMDCPropertyMap(Map.of("requestId", "r-1"));
		event.addKeyValuePair(new KeyValuePair("room", "lobby"));
		JsonNode json = JSON.readTree(this.formatter.format(event));
		assertThat(json.path("requestId").asString()).isEqualTo("r-1");
		assertThat(json.path("room").asString()).isEqualTo("lobby");
	}

	private String severityOf(Level level) {
		return JSON.readTree(this.formatter.format(event(level, "x", null))).path("severity").asString();
	}

	private LoggingEvent event(Level level, String message, Throwable throwable) {
		Logger logger = this.loggers.getLogger("dev.stompbox.Example");
		LoggingEvent event = new LoggingEvent("dev.stompbox.Example", logger, level, message, throwable, null);
		event.setThreadName("main");
		return event;
	}

}
