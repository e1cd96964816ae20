package dev.stompbox.redis;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Names Stompbox uses in Redis (cluster mode).
 *
 * @param prefix prefix of every key and channel Stompbox owns, so several deployments can
 * share one Redis
 * @param ingressChannel channel backends publish room messages and user events to
 * (PROTOCOL.md section 7.2)
 * @param commandStream stream client commands are appended to for backends' consumer
 * groups
 * @param commandStreamLength approximate number of commands the stream keeps
 */
@ConfigurationProperties("stompbox.redis")
@Validated
public record RedisProperties(@DefaultValue("stompbox:") @NotBlank String prefix,
		@DefaultValue("stompbox:out") @NotBlank String ingressChannel,
		@DefaultValue("stompbox:in") @NotBlank String commandStream, @DefaultValue("100000") long commandStreamLength) {
}
