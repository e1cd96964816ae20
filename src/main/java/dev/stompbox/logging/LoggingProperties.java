package dev.stompbox.logging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bound so that a value the environment post-processor could not map fails the start-up
 * with Spring Boot's report of the setting and its allowed values, rather than being
 * ignored.
 *
 * @param logFormat the format of the console's lines: {@code text}, {@code json} (one
 * JSON object a line with {@code severity}, {@code message} and {@code time}, as Cloud
 * Logging reads it), or Spring Boot's {@code ecs}, {@code logstash} or {@code gelf}
 */
@ConfigurationProperties("stompbox")
public record LoggingProperties(@DefaultValue("text") LogFormat logFormat) {
}
