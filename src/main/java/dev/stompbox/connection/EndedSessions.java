package dev.stompbox.connection;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ExecutorChannelInterceptor;

/**
 * Drops the inbound frames of a session that has ended. Spring ends a closed session (its
 * DISCONNECT, its disconnect event) before the frames it still had queued are handled: a
 * client that sent CONNECT, SUBSCRIBE and dozens of joins in one message and then reset
 * the connection would otherwise have them all run after its clean-up. Checked both when
 * a frame leaves the session's queue and right before a handler takes it, since a session
 * may end in between. The DISCONNECT Spring sends for the ended session passes: it is the
 * clean-up.
 */
final class EndedSessions implements ExecutorChannelInterceptor {

	private final ConnectionRegistry registry;

	EndedSessions(ConnectionRegistry registry) {
		this.registry = registry;
	}

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		return ended(message) ? null : message;
	}

	@Override
	public @Nullable Message<?> beforeHandle(Message<?> message, MessageChannel channel, MessageHandler handler) {
		return ended(message) ? null : message;
	}

	private boolean ended(Message<?> message) {
		MessageHeaders headers = message.getHeaders();
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		return sessionId != null && SimpMessageHeaderAccessor.getMessageType(headers) != SimpMessageType.DISCONNECT
				&& !this.registry.isOpen(sessionId);
	}

}
