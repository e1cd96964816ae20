package dev.stompbox.connection.limit;

import java.time.Duration;
import java.util.Map;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.stereotype.Component;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.connection.delivery.SendBuffers;
import dev.stompbox.error.ErrorCode;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.user.SessionReplies;

/**
 * Drops SENDs, SUBSCRIBEs and UNSUBSCRIBEs beyond the session's rate and tells that
 * client {@code rate-limited}; the connection stays open and no one else notices. A
 * subscription costs the server as much as a message (a registry entry, for a room its
 * interest in Redis), so a flood of them is limited like one of SENDs; a refused one is
 * not registered, or not removed. The refusals, and whatever else the session is sent
 * meanwhile, are paced at the session's rate ({@link SendBuffers#pace}): a client that
 * waits for its answers cannot make the server refuse faster than it may send.
 */
@Component
public class RateLimitInterceptor implements ChannelInterceptor {

	private final ConnectionProperties properties;

	private final SessionReplies replies;

	private final RequestIds requestIds;

	private final StompboxMetrics metrics;

	private final RateCarryOver carryOver;

	private final SendBuffers sendBuffers;

	/**
	 * How much longer a refused frame holds its session's answers: the time one frame of
	 * the rate takes.
	 */
	private final Duration step;

	RateLimitInterceptor(ConnectionProperties properties, SessionReplies replies, RequestIds requestIds,
			StompboxMetrics metrics, RateCarryOver carryOver, SendBuffers sendBuffers) {
		this.properties = properties;
		this.replies = replies;
		this.requestIds = requestIds;
		this.metrics = metrics;
		this.carryOver = carryOver;
		this.sendBuffers = sendBuffers;
		this.step = Duration.ofSeconds(1).dividedBy(properties.rateLimit());
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(message.getHeaders());
		if (type != SimpMessageType.MESSAGE && type != SimpMessageType.SUBSCRIBE
				&& type != SimpMessageType.UNSUBSCRIBE) {
			return message;
		}
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(message.getHeaders());
		if (attributes == null) {
			return message;
		}
		long now = System.nanoTime();
		RateLimiter limiter = (RateLimiter) attributes.computeIfAbsent(RateCarryOver.ATTRIBUTE,
				(key) -> this.carryOver.forNewSession(SimpMessageHeaderAccessor.getUser(message.getHeaders()), now));
		if (limiter.tryAcquire(now)) {
			return message;
		}
		this.metrics.rateLimited();
		String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
		String sessionId = SimpMessageHeaderAccessor.getSessionId(message.getHeaders());
		if (sessionId != null) {
			this.sendBuffers.pace(sessionId, this.step);
		}
		if (type != SimpMessageType.MESSAGE) {
			String frame = (type == SimpMessageType.SUBSCRIBE) ? "subscribe" : "unsubscribe";
			this.replies.failed(sessionId,
					ErrorCode.RATE_LIMITED.exception("More than " + this.properties.rateLimit() + " frames a second"),
					null, frame, destination);
			return null;
		}
		this.replies.failed(sessionId,
				ErrorCode.RATE_LIMITED.exception("More than " + this.properties.rateLimit() + " messages a second"),
				this.requestIds.of(message), RequestIds.ackType(destination), destination);
		return null;
	}

}
