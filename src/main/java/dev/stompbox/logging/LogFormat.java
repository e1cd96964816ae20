package dev.stompbox.logging;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What {@code STOMPBOX_LOG_FORMAT} may say: the format of the lines written to the
 * console.
 */
public enum LogFormat {

	/** Spring Boot's usual lines, for people. */
	TEXT(null),

	/** One JSON object a line as Cloud Logging reads it ({@link JsonLogFormatter}). */
	JSON(JsonLogFormatter.class.getName()),

	/** Spring Boot's Elastic Common Schema. */
	ECS("ecs"),

	/** Spring Boot's Logstash JSON. */
	LOGSTASH("logstash"),

	/** Spring Boot's Graylog Extended Log Format. */
	GELF("gelf");

	private final @Nullable String structuredFormat;

	LogFormat(@Nullable String structuredFormat) {
		this.structuredFormat = structuredFormat;
	}

	/** The value for {@code logging.structured.format.console}; null for plain text. */
	@Nullable String structuredFormat() {
		return this.structuredFormat;
	}

	/** The format a setting names, or null when it names none (binding then says so). */
	static @Nullable LogFormat of(String setting) {
		try {
			return valueOf(setting.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
