package dev.stompbox.client;

import java.security.Principal;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.stompbox.room.JsonFields;
import dev.stompbox.security.ClientAuthentication;
import dev.stompbox.security.ClientIdentity;

/** One SEND from a client: who sent it, on which session, to where, and its JSON body. */
record ClientRequest(String sessionId, ClientIdentity identity, String destination, byte[] payload) {

	static final int MAX_REQUEST_ID_LENGTH = 128;

	static ClientRequest of(Message<byte[]> message) {
		MessageHeaders headers = message.getHeaders();
		Principal user = SimpMessageHeaderAccessor.getUser(headers);
		return new ClientRequest(SimpMessageHeaderAccessor.getSessionId(headers), ClientAuthentication.identityOf(user),
				SimpMessageHeaderAccessor.getDestination(headers), message.getPayload());
	}

	ObjectNode body(JsonMapper json) {
		return JsonFields.object(json, this.payload);
	}

	static @Nullable String requestId(ObjectNode body) {
		return JsonFields.text(body, "requestId", MAX_REQUEST_ID_LENGTH);
	}

}
