package dev.stompbox.room;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What a client asks of a room by its SEND destination under
 * {@code /app/rooms/{roomId}/}, with the {@code type} its ACK carries (PROTOCOL.md
 * section 4).
 */
public enum RoomRequest {

	JOIN("join"), SEND("send"), LEAVE("leave"), COMMAND("command"), HISTORY("history");

	private static final String ROOMS = RoomDestinations.APP_PREFIX + "/rooms/";

	private final String ackType;

	RoomRequest(String ackType) {
		this.ackType = ackType;
	}

	public String ackType() {
		return this.ackType;
	}

	/** The request a SEND destination makes, if it is one of a room's. */
	public static Optional<RoomRequest> of(@Nullable String destination) {
		if (destination == null || !destination.startsWith(ROOMS)) {
			return Optional.empty();
		}
		if (destination.endsWith("/messages")) {
			return Optional.of(SEND);
		}
		if (destination.endsWith("/join")) {
			return Optional.of(JOIN);
		}
		if (destination.endsWith("/leave")) {
			return Optional.of(LEAVE);
		}
		if (destination.endsWith(RoomDestinations.HISTORY_SUFFIX)) {
			return Optional.of(HISTORY);
		}
		return destination.contains("/commands/") ? Optional.of(COMMAND) : Optional.empty();
	}

}
