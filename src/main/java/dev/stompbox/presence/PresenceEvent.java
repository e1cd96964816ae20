package dev.stompbox.presence;

/**
 * A user's first session joined a room, or their last one left it.
 *
 * @param count present users after the event
 */
public record PresenceEvent(String type, String roomId, String userId, String name, long ts, int count) {

	public static final String JOIN = "join";

	public static final String LEAVE = "leave";

}
