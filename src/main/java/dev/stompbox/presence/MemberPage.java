package dev.stompbox.presence;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a room's present users, ordered by user id: the server API's presence call.
 *
 * @param memberCount how many users are present, on every page
 * @param next the {@code after} of the next page, {@code null} on the last one
 */
public record MemberPage(String roomId, List<Member> members, int memberCount, @Nullable String next) {

	/** The page as a snapshot: what a client sees of the room. */
	public PresenceSnapshot snapshot() {
		return new PresenceSnapshot(this.roomId, this.members, this.memberCount);
	}

}
