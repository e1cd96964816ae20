package dev.stompbox.relay;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;

final class SessionHeaders {

	private SessionHeaders() {
	}

	static @Nullable String sessionId(Message<?> message) {
		return SimpMessageHeaderAccessor.getSessionId(message.getHeaders());
	}

	static @Nullable String subscriptionId(Message<?> message) {
		return SimpMessageHeaderAccessor.getSubscriptionId(message.getHeaders());
	}

}
