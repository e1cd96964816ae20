package dev.stompbox.presence;

/** A present user and how many of their sessions joined the room. */
public record Member(String userId, String name, int sessions) {
}
