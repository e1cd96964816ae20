package dev.stompbox.room;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A room message before the relay stamps its id and time. */
public record Draft(RoomId room, String type, Sender from, JsonNode body, @Nullable String clientMsgId,
		boolean ephemeral) {
}
