package dev.stompbox.room;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * What a sender chooses of a room message, from a client's SEND or the server API:
 * {@code type} (default {@code message}), {@code body}, {@code clientMsgId},
 * {@code ephemeral}.
 */
public record MessageRequest(String type, JsonNode body, @Nullable String clientMsgId, boolean ephemeral) {

	public static final String DEFAULT_TYPE = "message";

	static final int MAX_TYPE_LENGTH = 64;

	static final int MAX_CLIENT_MSG_ID_LENGTH = 128;

	public static MessageRequest from(JsonNode request) {
		String type = JsonFields.text(request, "type", MAX_TYPE_LENGTH);
		JsonNode body = request.get("body");
		return new MessageRequest((type != null) ? type : DEFAULT_TYPE, (body != null) ? body : NullNode.getInstance(),
				JsonFields.text(request, "clientMsgId", MAX_CLIENT_MSG_ID_LENGTH),
				JsonFields.flag(request, "ephemeral"));
	}

	public Draft draft(RoomId room, Sender from) {
		return new Draft(room, this.type, from, this.body, this.clientMsgId, this.ephemeral);
	}

}
