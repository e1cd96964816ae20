package dev.stompbox.connection;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;

import dev.stompbox.connection.delivery.FrameKinds;
import dev.stompbox.metrics.InboundKind;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * Counts the frames clients send by kind. First of the inbound interceptors, so it sees
 * every frame, also those a later check refuses, and every DISCONNECT a client sends,
 * which it marks so that the close that follows counts as normal
 * ({@link ConnectionGuard}).
 */
class InboundCounts implements ChannelInterceptor {

	private final StompboxMetrics metrics;

	InboundCounts(StompboxMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		MessageHeaders headers = message.getHeaders();
		InboundKind kind = FrameKinds.inbound(headers);
		if (kind != null) {
			this.metrics.inbound(kind);
		}
		else if (SimpMessageHeaderAccessor.getMessageType(headers) == SimpMessageType.DISCONNECT) {
			CloseCodes.disconnectRequested(SimpMessageHeaderAccessor.getSessionAttributes(headers));
		}
		return message;
	}

}
