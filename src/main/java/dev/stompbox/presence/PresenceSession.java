package dev.stompbox.presence;

/** One connection of a user, as presence counts it. */
public record PresenceSession(String sessionId, String userId, String name) {
}
