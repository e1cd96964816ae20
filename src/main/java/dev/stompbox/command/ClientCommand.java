package dev.stompbox.command;

/**
 * A command a client handed to the backend (PROTOCOL.md section 7.2).
 *
 * @param body the JSON as the client sent it
 */
public record ClientCommand(String name, String roomId, String userId, String body, long ts) {
}
