package dev.stompbox.user;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.databind.json.JsonMapper;

/** Single-node user events: the user's sessions are all in this process. */
public class LocalUserEvents implements UserEvents {

	private final SimpMessagingTemplate broker;

	private final JsonMapper json;

	public LocalUserEvents(SimpMessagingTemplate broker, JsonMapper json) {
		this.broker = broker;
		this.json = json;
	}

	@Override
	public CompletionStage<Void> send(String userId, UserEvent event) {
		deliverLocally(userId, this.json.writeValueAsBytes(event));
		return CompletableFuture.completedFuture(null);
	}

	/** Writes an encoded event to every session of the user connected to this instance. */
	public void deliverLocally(String userId, byte[] json) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		headers.setLeaveMutable(true);
		this.broker.send(UserQueue.EVENTS.addressedTo(userId), MessageBuilder.createMessage(json, headers.getMessageHeaders()));
	}

}
