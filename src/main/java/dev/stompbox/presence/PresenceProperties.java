package dev.stompbox.presence;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param timeout how soon the users of a dead instance are shown as gone
 * @param listLimit members listed in a join ACK or a presence snapshot
 */
@ConfigurationProperties("stompbox.presence")
@Validated
public record PresenceProperties(@DefaultValue("30s") @NotNull @DurationMin(seconds = 1) Duration timeout,
		@DefaultValue("100") @Min(1) @Max(10_000) int listLimit) {
}
