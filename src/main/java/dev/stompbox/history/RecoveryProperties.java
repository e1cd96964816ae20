package dev.stompbox.history;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much of a room's history one reply carries (PROTOCOL.md section 4.1); the rest is
 * paged with the history request.
 *
 * @param recoveryLimit messages recovered in a join ACK, and the most one history page
 * holds
 */
@ConfigurationProperties("stompbox")
@Validated
public record RecoveryProperties(@DefaultValue("100") @Min(1) @Max(1000) int recoveryLimit) {

	/** The most bytes of envelopes one join ACK or history page carries. */
	public static final int MAX_REPLY_BYTES = 512 * 1024;

}
