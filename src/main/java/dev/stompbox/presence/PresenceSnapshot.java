package dev.stompbox.presence;

import java.util.List;

/**
 * The reply to a presence snapshot subscription, and what a join reads of the room.
 *
 * @param members some of the present users, as many as the reply may hold
 * @param memberCount how many users are present
 */
public record PresenceSnapshot(String roomId, List<Member> members, int memberCount) {
}
