package dev.stompbox.connection;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;

import dev.stompbox.error.StompboxException;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * Ends the connection with a STOMP ERROR frame when a check of an inbound frame fails: a
 * CONNECT without a valid token, a SEND outside {@code /app}, anything unexpected.
 * Inbound frames are handled in order ({@link EndpointConfiguration}), and then Spring's
 * {@code OrderedMessageChannelDecorator} catches what an interceptor throws and only logs
 * it: without this the client would get no ERROR frame and its connection, an
 * unauthenticated one included, would stay open. The error is counted here, and its close
 * code left on the session ({@link CloseCodes#remember}), where the error is known.
 */
public final class ErrorFrameOnFailure implements ChannelInterceptor {

	private final ChannelInterceptor delegate;

	private final MessageChannel clientOutbound;

	private final StompboxMetrics metrics;

	ErrorFrameOnFailure(ChannelInterceptor delegate, MessageChannel clientOutbound, StompboxMetrics metrics) {
		this.delegate = delegate;
		this.clientOutbound = clientOutbound;
		this.metrics = metrics;
	}

	@Override
	public @Nullable Message<?> preSend(Message<?> message, MessageChannel channel) {
		try {
			return this.delegate.preSend(message, channel);
		}
		catch (RuntimeException ex) {
			Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(message.getHeaders());
			if (CloseCodes.remembered(attributes) != null) {
				// Refused once already: its ERROR frame ends the connection.
				return null;
			}
			StompboxException error = StompErrorFrames.classify(message, ex);
			// Spring's STOMP handler sends the ERROR frame, then closes the session with
			// 1002, which CloseCodeSession replaces with the code left here.
			CloseCodes.remember(attributes, CloseCodes.forError(error.code()));
			this.metrics.error(error.code());
			this.clientOutbound.send(StompErrorFrames.refusal(message, error));
			return null;
		}
	}

	/** Whether the session of this frame was sent an ERROR frame here, which ends it. */
	public static boolean endedWithError(MessageHeaders headers) {
		return CloseCodes.remembered(SimpMessageHeaderAccessor.getSessionAttributes(headers)) != null;
	}

	@Override
	public void postSend(Message<?> message, MessageChannel channel, boolean sent) {
		this.delegate.postSend(message, channel, sent);
	}

	@Override
	public void afterSendCompletion(Message<?> message, MessageChannel channel, boolean sent, @Nullable Exception ex) {
		this.delegate.afterSendCompletion(message, channel, sent, ex);
	}

	@Override
	public boolean preReceive(MessageChannel channel) {
		return this.delegate.preReceive(channel);
	}

	@Override
	public @Nullable Message<?> postReceive(Message<?> message, MessageChannel channel) {
		return this.delegate.postReceive(message, channel);
	}

	@Override
	public void afterReceiveCompletion(@Nullable Message<?> message, MessageChannel channel, @Nullable Exception ex) {
		this.delegate.afterReceiveCompletion(message, channel, ex);
	}

}
