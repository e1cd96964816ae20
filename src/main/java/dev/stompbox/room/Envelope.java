package dev.stompbox.room;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * A room message as delivered to subscribers and kept in history (PROTOCOL.md section 3).
 */
public record Envelope(String id, String roomId, String type, Sender from, JsonNode body, long ts,
		@JsonInclude(JsonInclude.Include.NON_NULL) String clientMsgId) {

	public MessageId messageId() {
		return MessageId.parse(this.id);
	}

}
