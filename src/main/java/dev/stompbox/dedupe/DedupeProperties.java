package dev.stompbox.dedupe;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param window how long a {@code clientMsgId} is remembered
 */
@ConfigurationProperties("stompbox.dedupe")
@Validated
public record DedupeProperties(@DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration window) {
}
