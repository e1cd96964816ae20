package dev.stompbox.connection.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.annotation.support.SimpAnnotationMethodMessageHandler;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.simp.user.UserDestinationMessageHandler;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.ExecutorChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;
import org.springframework.stereotype.Component;

import dev.stompbox.connection.ErrorFrameOnFailure;
import dev.stompbox.connection.RequestOutcome;
import dev.stompbox.error.StompboxException;
import dev.stompbox.relay.RoomInterest;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.user.SessionReplies;

/**
 * Answers SUBSCRIBE, UNSUBSCRIBE and SEND frames that carry a {@code receipt} header,
 * which Spring's simple broker does not. A RECEIPT is sent only after the handler
 * responsible for the frame is done with it, and for a room topic subscription only once
 * the room's traffic from every instance reaches this one.
 * <p>
 * A room subscription is counted before any handler runs ({@link #preSend}): Spring
 * releases a session's next frame as soon as the first of the channel's handlers is done
 * with this one, so a join sent right behind its SUBSCRIBE can be handled while the
 * broker is still registering the subscription. Counted first, the join's ACK waits until
 * the room's attachment is live and the broker has registered the subscription
 * ({@link RoomInterest#ready(String, dev.stompbox.room.RoomId)}); counted after, the ACK
 * could go out before either, and a message sent on another instance right after it would
 * be lost.
 * <p>
 * A RECEIPT comes after the frame's outcome (PROTOCOL.md section 4.3): it goes through
 * the session's ordered outbound channel ({@link OrderedOutbound}), the one the broker
 * hands ACKs and errors to, once that outcome was handed out: for a SEND to {@code /app}
 * once its handler's answer was sent ({@link RequestOutcome}), for a SEND an inbound
 * check refused (rate limited, forbidden) right after the check answered it
 * ({@link #ofRefusedFrames()}). A frame refused with an ERROR frame ends its connection
 * and gets no RECEIPT.
 */
@Component
public class Receipts implements ExecutorChannelInterceptor {

	private final RoomInterest interest;

	private final OrderedOutbound outbound;

	private final SessionReplies replies;

	Receipts(RoomInterest interest, OrderedOutbound outbound, @Lazy SessionReplies replies) {
		this.interest = interest;
		this.outbound = outbound;
		this.replies = replies;
	}

	/**
	 * The last of the inbound interceptors: a frame that reaches it passed every check.
	 */
	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		MessageHeaders headers = message.getHeaders();
		if (SimpMessageHeaderAccessor.getMessageType(headers) == SimpMessageType.SUBSCRIBE) {
			String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
			String subscriptionId = SimpMessageHeaderAccessor.getSubscriptionId(headers);
			String destination = SimpMessageHeaderAccessor.getDestination(headers);
			if (sessionId != null && subscriptionId != null && destination != null) {
				RoomDestinations.roomOfTopic(destination)
					.ifPresent((room) -> this.interest.subscribed(sessionId, subscriptionId, room));
			}
		}
		return message;
	}

	@Override
	public void afterMessageHandled(Message<?> message, MessageChannel channel, MessageHandler handler,
			@Nullable Exception ex) {
		// Called once for each of the channel's handlers: the headers are read in place,
		// since wrapping them in an accessor copies them all, three times for every
		// frame.
		MessageHeaders headers = message.getHeaders();
		CompletionStage<?> answered = (handler instanceof SimpAnnotationMethodMessageHandler)
				? RequestOutcome.take(headers) : null;
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(headers);
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		if (!isResponsible(handler, type, destination)) {
			return;
		}
		String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
		if (ex != null) {
			if (type == SimpMessageType.SUBSCRIBE && sessionId != null) {
				// Counted before the broker failed to register it: release it now.
				this.interest.unsubscribed(sessionId, SimpMessageHeaderAccessor.getSubscriptionId(headers));
			}
			return;
		}
		String receipt = receiptOf(headers);
		if (type != SimpMessageType.SUBSCRIBE && receipt == null) {
			return;
		}
		CompletionStage<?> done = (answered != null) ? answered : CompletableFuture.completedFuture(null);
		if (type == SimpMessageType.SUBSCRIBE) {
			this.interest.registered(sessionId, SimpMessageHeaderAccessor.getSubscriptionId(headers));
			done = RoomDestinations.roomOfTopic(destination).<CompletionStage<?>>map(this.interest::ready).orElse(done);
		}
		done.whenComplete((ignored, failure) -> {
			if (failure != null && type == SimpMessageType.SUBSCRIBE) {
				// The subscription is registered but deaf to other instances: the client
				// must know,
				// and gets no RECEIPT, which would say the subscription is live.
				this.replies.failed(sessionId, StompboxException.from(failure), null, "subscribe", destination);
			}
			else if (receipt != null) {
				// A failed answer to a SEND was sent as an error already.
				sendReceipt(sessionId, receipt);
			}
		});
	}

	/**
	 * Sends the RECEIPT of a SEND an inbound check refused (its {@code preSend} returned
	 * null), after the check's answer. Registered before every check, so that it hears of
	 * each refusal. A refused SUBSCRIBE or UNSUBSCRIBE gets none: its RECEIPT would say
	 * the subscription is live, or gone.
	 */
	public ChannelInterceptor ofRefusedFrames() {
		return new ChannelInterceptor() {

			@Override
			public void afterSendCompletion(Message<?> message, MessageChannel channel, boolean sent,
					@Nullable Exception ex) {
				MessageHeaders headers = message.getHeaders();
				if (sent || ex != null || SimpMessageHeaderAccessor.getMessageType(headers) != SimpMessageType.MESSAGE
						|| ErrorFrameOnFailure.endedWithError(headers)) {
					return;
				}
				String receipt = receiptOf(headers);
				String sessionId = SimpMessageHeaderAccessor.getSessionId(headers);
				if (receipt != null && sessionId != null) {
					sendReceipt(sessionId, receipt);
				}
			}

		};
	}

	private static @Nullable String receiptOf(MessageHeaders headers) {
		return NativeMessageHeaderAccessor.getFirstNativeHeader(StompHeaderAccessor.STOMP_RECEIPT_HEADER, headers);
	}

	private static boolean isResponsible(MessageHandler handler, @Nullable SimpMessageType type,
			@Nullable String destination) {
		if (type == SimpMessageType.UNSUBSCRIBE) {
			return handler instanceof AbstractBrokerMessageHandler;
		}
		if (type != SimpMessageType.SUBSCRIBE && type != SimpMessageType.MESSAGE || destination == null) {
			return false;
		}
		if (destination.startsWith("/user/")) {
			return handler instanceof UserDestinationMessageHandler;
		}
		if (destination.startsWith(RoomDestinations.APP_PREFIX + "/")) {
			return handler instanceof SimpAnnotationMethodMessageHandler;
		}
		return handler instanceof AbstractBrokerMessageHandler;
	}

	private void sendReceipt(String sessionId, String receiptId) {
		StompHeaderAccessor receipt = StompHeaderAccessor.create(StompCommand.RECEIPT);
		receipt.setReceiptId(receiptId);
		receipt.setSessionId(sessionId);
		receipt.setLeaveMutable(true);
		this.outbound.send(sessionId, MessageBuilder.createMessage(new byte[0], receipt.getMessageHeaders()));
	}

}
