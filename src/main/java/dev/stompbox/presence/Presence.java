package dev.stompbox.presence;

import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

import dev.stompbox.room.RoomId;

/**
 * Who is in which room, with a user's sessions counted once. Implementations publish the
 * {@link PresenceEvent}s through the relay. One per mode: in memory, or over Redis with
 * per-instance leases.
 * <p>
 * No answer lists a whole room: a join or a snapshot lists at most the limit asked for,
 * the rest is read in pages ordered by user id. What a join, a leave or a disconnect
 * costs does not grow with the room's size.
 */
public interface Presence {

	/**
	 * Joins the session to the room; completes with the room after the join: how many
	 * users are present and the first of them by user id, at most {@code listLimit}, the
	 * session's own user always among them.
	 */
	CompletionStage<PresenceSnapshot> join(RoomId room, PresenceSession session, int listLimit);

	/** Removes the session from the room; a no-op when it had not joined. */
	CompletionStage<Void> leave(RoomId room, String sessionId);

	/** Removes the session from every room it joined: its connection closed. */
	CompletionStage<Void> disconnected(String sessionId);

	/**
	 * One page of the room's present users, ordered by user id: at most {@code limit} of
	 * them with an id after {@code after} ({@code null} from the first).
	 */
	CompletionStage<MemberPage> members(RoomId room, @Nullable String after, int limit);

	/** Whether this instance's session has joined the room; answered from local state. */
	boolean joined(RoomId room, String sessionId);

}
