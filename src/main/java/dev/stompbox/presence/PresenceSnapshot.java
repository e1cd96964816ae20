package dev.stompbox.presence;

import java.util.List;

/** The reply to a presence snapshot subscription and to the server API's presence call. */
public record PresenceSnapshot(String roomId, List<Member> members) {
}
