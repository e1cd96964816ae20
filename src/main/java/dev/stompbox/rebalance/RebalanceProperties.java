package dev.stompbox.rebalance;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.stompbox.instance.ConditionalOnCluster;

/**
 * Rebalancing (PROTOCOL.md sections 9 and 10), cluster mode only.
 *
 * @param rebalance {@code off}, or which rebalancing applies: {@code revision},
 * {@code load} or {@code revision,load}
 * @param revision this instance's revision; when unset, Cloud Run's {@code K_REVISION}
 * @param rebalanceWindow the time over which an instance moves the clients it has to move
 * @param rebalanceSettle how long instances of a newer revision must have been ready
 * before clients move to them
 * @param rebalanceMinExcess connections over its revision's average an instance must
 * hold, beside a quarter over that average, before it sheds load
 */
@ConfigurationProperties("stompbox")
@Validated
@ConditionalOnCluster
public record RebalanceProperties(@DefaultValue("off") @NotEmpty List<Rebalancing> rebalance, @Nullable String revision,
		@DefaultValue("2m") @NotNull @DurationMin(seconds = 1) Duration rebalanceWindow,
		@DefaultValue("10s") @NotNull @DurationMin(millis = 0) Duration rebalanceSettle,
		@DefaultValue("10") @Min(1) int rebalanceMinExcess) {

	public RebalanceProperties {
		if (rebalance != null && rebalance.contains(Rebalancing.OFF) && rebalance.size() > 1) {
			throw new IllegalArgumentException(
					"STOMPBOX_REBALANCE must be off, revision, load or revision,load, not " + rebalance);
		}
	}

	boolean byRevision() {
		return this.rebalance.contains(Rebalancing.REVISION);
	}

	boolean byLoad() {
		return this.rebalance.contains(Rebalancing.LOAD);
	}

	boolean enabled() {
		return byRevision() || byLoad();
	}

}
