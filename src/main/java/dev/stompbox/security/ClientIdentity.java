package dev.stompbox.security;

import java.time.Instant;
import java.util.Set;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.room.RoomId;

/** Who is on the other end of a connection or API call, read from a verified token. */
public record ClientIdentity(String userId, String name, RoomAccess rooms, Set<String> scopes, Instant expiresAt) {

	public static final String PUBLISH_SCOPE = "stompbox:publish";

	/**
	 * Allows {@code /actuator/prometheus} and the health details on the main port, and
	 * nothing else: what a scraper's token carries, so it need not hold the server API.
	 */
	public static final String METRICS_SCOPE = "stompbox:metrics";

	/** Fails with {@code forbidden} unless the token allows the room. */
	public void checkRoom(RoomId room) {
		if (!this.rooms.allows(room)) {
			throw ErrorCode.FORBIDDEN.exception("The token does not allow room " + room.value());
		}
	}

}
