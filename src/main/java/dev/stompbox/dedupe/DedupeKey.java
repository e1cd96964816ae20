package dev.stompbox.dedupe;

import dev.stompbox.room.RoomId;

/**
 * A user's {@code clientMsgId} in one room: retries with the same key are delivered once.
 */
public record DedupeKey(String userId, RoomId room, String clientMsgId) {
}
