package dev.stompbox.presence;

import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.stompbox.room.RoomId;

/**
 * Who is in which room, with a user's sessions counted once. Implementations publish the
 * {@link PresenceEvent}s through the relay. One per mode: in memory, or over Redis with
 * per-instance leases.
 */
public interface Presence {

	/** Joins the session to the room; completes with the members after the join. */
	CompletionStage<List<Member>> join(RoomId room, PresenceSession session);

	/** Removes the session from the room; a no-op when it had not joined. */
	CompletionStage<Void> leave(RoomId room, String sessionId);

	/** Removes the session from every room it joined: its connection closed. */
	CompletionStage<Void> disconnected(String sessionId);

	CompletionStage<List<Member>> members(RoomId room);

	/** Whether this instance's session has joined the room; answered from local state. */
	boolean joined(RoomId room, String sessionId);

}
