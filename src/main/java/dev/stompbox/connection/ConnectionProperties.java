package dev.stompbox.connection;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and timings of client connections (PROTOCOL.md section 10).
 *
 * @param allowedOrigins origin patterns allowed to open a connection; same origin is
 * always allowed, and when empty so are localhost and 127.0.0.1 on any port
 * @param maxConnections connection cap of this instance
 * @param maxConnectionLifetime server-initiated reconnect after this long
 * @param maxFrameSize largest inbound STOMP frame
 * @param rateLimit messages a second one session may send; bursts of twice that pass
 * @param heartbeat STOMP heart-beat the server sends and expects
 * @param connectTimeout time from the handshake to a completed CONNECT
 * @param maxSubscriptions subscriptions one session may hold
 * @param maxRooms rooms one session may have joined
 * @param maxConnectionsPerUser connections one user may hold on this instance
 */
@ConfigurationProperties("stompbox")
@Validated
public record ConnectionProperties(@DefaultValue List<String> allowedOrigins,
		@DefaultValue("10000") @Min(1) int maxConnections,
		@DefaultValue("55m") @NotNull @DurationMin(seconds = 1) Duration maxConnectionLifetime,
		@DefaultValue("65536B") @NotNull DataSize maxFrameSize, @DefaultValue("50") @Min(1) int rateLimit,
		@DefaultValue("10s") @NotNull Duration heartbeat,
		@DefaultValue("10s") @NotNull @DurationMin(millis = 100) Duration connectTimeout,
		@DefaultValue("100") @Min(1) int maxSubscriptions, @DefaultValue("50") @Min(1) int maxRooms,
		@DefaultValue("20") @Min(1) int maxConnectionsPerUser) {

	static final List<String> LOCAL_ORIGINS = List.of("http://localhost:[*]", "https://localhost:[*]",
			"http://127.0.0.1:[*]", "https://127.0.0.1:[*]");

	public ConnectionProperties {
		if (maxFrameSize != null && (maxFrameSize.toBytes() < 1024 || maxFrameSize.toBytes() > 16 * 1024 * 1024)) {
			throw new IllegalArgumentException("STOMPBOX_MAX_FRAME_SIZE must be between 1024 and 16777216 bytes");
		}
	}

	public String[] originPatterns() {
		List<String> patterns = this.allowedOrigins.stream().map(String::strip).filter((p) -> !p.isEmpty()).toList();
		return (patterns.isEmpty() ? LOCAL_ORIGINS : patterns).toArray(String[]::new);
	}

	public int maxFrameBytes() {
		return (int) this.maxFrameSize.toBytes();
	}

	/**
	 * The message limit the container enforces itself, with a bare close 1009: twice the
	 * frame limit, so that {@link ConnectionGuard} always refuses first, with an ERROR
	 * frame, and a SockJS message (the frame JSON-escaped) that holds a frame within the
	 * limit fits.
	 */
	public int containerMessageLimit() {
		return 2 * maxFrameBytes();
	}

}
