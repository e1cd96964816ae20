package dev.stompbox.room;

/** Who sent a room message: always the authenticated user, or {@link #SERVER}. */
public record Sender(String userId, String name) {

	public static final Sender SERVER = new Sender("server", "server");

}
