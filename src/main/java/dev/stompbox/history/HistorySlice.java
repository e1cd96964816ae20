package dev.stompbox.history;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;

/**
 * Kept messages of a room after some id, oldest first.
 *
 * @param messages the messages, at most the limit asked for
 * @param complete false when messages after the id asked for are no longer kept
 * @param lastId the room's newest id, {@code null} for a room with no message yet
 * @param more true when more messages after the last of these are kept
 */
public record HistorySlice(List<Envelope> messages, boolean complete, @Nullable MessageId lastId, boolean more) {
}
