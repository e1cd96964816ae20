package dev.stompbox.logging;

import java.time.Instant;
import java.util.function.Function;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.json.JsonWriter.PairExtractor;
import org.springframework.boot.logging.StackTracePrinter;
import org.springframework.boot.logging.structured.ContextPairs;
import org.springframework.boot.logging.structured.JsonWriterStructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * One JSON object a line with the fields Google Cloud Logging reads from a container's
 * output: {@code severity} (its names: {@code WARNING}, not Logback's {@code WARN}),
 * {@code message} and {@code time}; then {@code logger}, {@code thread}, the MDC and
 * key-value pairs, and {@code stack_trace}, where Error Reporting looks first. Spring
 * Boot's ECS and Logstash formats put the level elsewhere, so Cloud Logging would show
 * every line at the default severity.
 */
class JsonLogFormatter extends JsonWriterStructuredLogFormatter<ILoggingEvent> {

	private static final PairExtractor<KeyValuePair> keyValuePairs = PairExtractor.of((pair) -> pair.key,
			(pair) -> pair.value);

	JsonLogFormatter(@Nullable StackTracePrinter stackTracePrinter, ContextPairs contextPairs,
			ThrowableProxyConverter throwableProxyConverter,
			@Nullable StructuredLoggingJsonMembersCustomizer<?> customizer) {
		super((members) -> members(members, stackTracePrinter, contextPairs, throwableProxyConverter), customizer);
	}

	private static void members(JsonWriter.Members<ILoggingEvent> members,
			@Nullable StackTracePrinter stackTracePrinter, ContextPairs contextPairs,
			ThrowableProxyConverter throwableProxyConverter) {
		members.add("time", ILoggingEvent::getInstant).as(Instant::toString);
		members.add("severity", ILoggingEvent::getLevel).as(JsonLogFormatter::severity);
		members.add("message", ILoggingEvent::getFormattedMessage);
		members.add("logger", ILoggingEvent::getLoggerName);
		members.add("thread", ILoggingEvent::getThreadName);
		members.add().usingPairs(contextPairs.flat("_", (pairs) -> {
			pairs.addMapEntries(ILoggingEvent::getMDCPropertyMap);
			pairs.add(ILoggingEvent::getKeyValuePairs, keyValuePairs);
		}));
		Function<@Nullable ILoggingEvent, @Nullable Object> throwable = (event) -> (event != null)
				? event.getThrowableProxy() : null;
		members.add("stack_trace", (event) -> event)
			.whenNotNull(throwable)
			.as((event) -> stackTrace(event, stackTracePrinter, throwableProxyConverter));
	}

	/** Cloud Logging's LogSeverity for a Logback level. */
	static String severity(Level level) {
		return switch (level.toInt()) {
			case Level.ERROR_INT -> "ERROR";
			case Level.WARN_INT -> "WARNING";
			case Level.INFO_INT -> "INFO";
			case Level.DEBUG_INT, Level.TRACE_INT -> "DEBUG";
			default -> "DEFAULT";
		};
	}

	private static String stackTrace(ILoggingEvent event, @Nullable StackTracePrinter printer,
			ThrowableProxyConverter converter) {
		if (printer != null && event.getThrowableProxy() instanceof ThrowableProxy proxy) {
			return printer.printStackTraceToString(proxy.getThrowable());
		}
		return converter.convert(event);
	}

}
