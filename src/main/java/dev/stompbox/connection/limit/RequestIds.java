package dev.stompbox.connection.limit;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.room.RoomRequest;

/** Reads the {@code requestId} of a SEND refused before its handler parsed it. */
@Component
class RequestIds {

	private final JsonMapper json;

	RequestIds(JsonMapper jsonMapper) {
		this.json = jsonMapper;
	}

	@Nullable String of(Message<?> message) {
		if (!(message.getPayload() instanceof byte[] payload) || payload.length == 0) {
			return null;
		}
		try {
			JsonNode requestId = this.json.readTree(payload).get("requestId");
			return (requestId != null && requestId.isString()) ? requestId.asString() : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** The ACK type of a request to an {@code /app/rooms/{roomId}/...} destination. */
	static String ackType(@Nullable String destination) {
		return RoomRequest.of(destination).map(RoomRequest::ackType).orElse(RoomRequest.SEND.ackType());
	}

}
