package dev.stompbox.connection.limit;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.stereotype.Component;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.error.ErrorCode;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.user.SessionReplies;

/**
 * {@code STOMPBOX_MAX_SUBSCRIPTIONS}: a SUBSCRIBE that would give the session one
 * subscription more than allowed is not registered and is answered
 * {@code limit-exceeded}; the connection stays. Placed after the checks that may refuse a
 * SUBSCRIBE, so what is counted here is what the broker registers: a reused subscription
 * id replaces the old subscription and takes no new slot, an UNSUBSCRIBE frees one, and a
 * subscription to an {@code /app} destination (answered once, never registered) is not
 * counted.
 */
@Component
public class SubscriptionLimitInterceptor implements ChannelInterceptor {

	private static final String SUBSCRIPTIONS = "stompbox.subscriptionIds";

	private final ConnectionProperties properties;

	private final SessionReplies replies;

	SubscriptionLimitInterceptor(ConnectionProperties properties, SessionReplies replies) {
		this.properties = properties;
		this.replies = replies;
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		MessageHeaders headers = message.getHeaders();
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(headers);
		if (type != SimpMessageType.SUBSCRIBE && type != SimpMessageType.UNSUBSCRIBE) {
			return message;
		}
		String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(headers);
		if (subscriptionId == null || attributes == null) {
			// Without an id the broker registers nothing.
			return message;
		}
		@SuppressWarnings("unchecked")
		Set<String> ids = (Set<String>) attributes.computeIfAbsent(SUBSCRIPTIONS,
				(key) -> ConcurrentHashMap.newKeySet());
		if (type == SimpMessageType.UNSUBSCRIBE) {
			ids.remove(subscriptionId);
			return message;
		}
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		if (destination == null || destination.startsWith(RoomDestinations.APP_PREFIX + "/")
				|| ids.contains(subscriptionId)) {
			return message;
		}
		int limit = this.properties.maxSubscriptions();
		if (ids.size() >= limit) {
			this.replies.failed(SimpMessageHeaderAccessor.getSessionId(headers),
					ErrorCode.LIMIT_EXCEEDED.exception("At most " + limit + " subscriptions per connection"), null,
					"subscribe", destination);
			return null;
		}
		ids.add(subscriptionId);
		return message;
	}

}
