package dev.stompbox.relay;

import dev.stompbox.room.MessageId;

/**
 * The outcome of a publish: the message's id, or for a {@code clientMsgId} seen before,
 * the id the first one got (and nothing was delivered again).
 */
public record Publication(MessageId id, boolean duplicate) {
}
