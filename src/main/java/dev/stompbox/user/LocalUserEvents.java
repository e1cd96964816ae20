package dev.stompbox.user;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import tools.jackson.databind.json.JsonMapper;

/** Single-node user events: the user's sessions are all in this process. */
public class LocalUserEvents implements UserEvents {

	private final SimpUserRegistry users;

	private final SessionReplies replies;

	private final JsonMapper json;

	public LocalUserEvents(SimpUserRegistry users, SessionReplies replies, JsonMapper json) {
		this.users = users;
		this.replies = replies;
		this.json = json;
	}

	@Override
	public CompletionStage<Void> send(String userId, UserEvent event) {
		deliverLocally(userId, this.json.writeValueAsBytes(event));
		return CompletableFuture.completedFuture(null);
	}

	/**
	 * Writes an encoded event to every session of the user connected to this instance.
	 */
	public void deliverLocally(String userId, byte[] json) {
		SimpUser user = this.users.getUser(userId);
		if (user != null) {
			user.getSessions().forEach((session) -> this.replies.sendJson(session.getId(), UserQueue.EVENTS, json));
		}
	}

}
