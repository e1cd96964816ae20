package dev.stompbox.connection.limit;

import java.security.Principal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.EventListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.error.ErrorCode;

/**
 * {@code STOMPBOX_MAX_CONNECTIONS_PER_USER}: the CONNECT that would give one user more
 * connections on this instance than allowed is refused with {@code limit-exceeded}, an
 * ERROR frame and close 1008. A connection holds its slot from its authenticated CONNECT
 * until it ends. The slot is taken through {@link ConnectionRegistry#whileOpen}, so a
 * CONNECT still queued when its connection ended takes none that its end would not free;
 * and the check and the taking are one step per user, so two CONNECTs at once cannot both
 * take the last.
 */
@Component
public class UserConnectionLimit implements ChannelInterceptor {

	private final ConnectionRegistry registry;

	private final ConnectionProperties properties;

	/** user id to the sessions that hold a slot. */
	private final Map<String, Set<String>> sessionsByUser = new ConcurrentHashMap<>();

	/** session id to its user, for the release. */
	private final Map<String, String> userBySession = new ConcurrentHashMap<>();

	UserConnectionLimit(ConnectionRegistry registry, ConnectionProperties properties) {
		this.registry = registry;
		this.properties = properties;
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		MessageHeaders headers = message.getHeaders();
		if (SimpMessageHeaderAccessor.getMessageType(headers) != SimpMessageType.CONNECT) {
			return message;
		}
		Principal user = SimpMessageHeaderAccessor.getUser(headers);
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		if (user == null || sessionId == null) {
			return message;
		}
		boolean[] admitted = { false };
		if (!this.registry.whileOpen(sessionId, () -> admitted[0] = admit(user.getName(), sessionId))) {
			// The connection is already gone: nothing to answer, no slot to take.
			return null;
		}
		if (!admitted[0]) {
			throw ErrorCode.LIMIT_EXCEEDED
				.exception("At most " + this.properties.maxConnectionsPerUser() + " connections per user");
		}
		return message;
	}

	private boolean admit(String userId, String sessionId) {
		boolean[] admitted = { false };
		this.sessionsByUser.compute(userId, (key, sessions) -> {
			Set<String> held = (sessions != null) ? sessions : new HashSet<>();
			if (held.contains(sessionId) || held.size() < this.properties.maxConnectionsPerUser()) {
				held.add(sessionId);
				admitted[0] = true;
			}
			return held.isEmpty() ? null : held;
		});
		if (admitted[0]) {
			this.userBySession.put(sessionId, userId);
		}
		return admitted[0];
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		String sessionId = event.getSessionId();
		String userId = this.userBySession.remove(sessionId);
		if (userId == null) {
			return;
		}
		this.sessionsByUser.computeIfPresent(userId, (key, sessions) -> {
			sessions.remove(sessionId);
			return sessions.isEmpty() ? null : sessions;
		});
	}

}
