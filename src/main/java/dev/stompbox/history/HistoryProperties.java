package dev.stompbox.history;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param size messages kept per room for recovery
 * @param ttl how long an idle room keeps its history
 */
@ConfigurationProperties("stompbox.history")
@Validated
public record HistoryProperties(@DefaultValue("1000") @Min(0) @Max(1_000_000) int size,
		@DefaultValue("24h") @NotNull @DurationMin(seconds = 1) Duration ttl) {
}
