package dev.stompbox.presence;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** @param timeout how soon the users of a dead instance are shown as gone */
@ConfigurationProperties("stompbox.presence")
@Validated
public record PresenceProperties(@DefaultValue("30s") @NotNull @DurationMin(seconds = 1) Duration timeout) {
}
