package dev.stompbox.connection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.annotation.support.SimpAnnotationMethodMessageHandler;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.simp.user.UserDestinationMessageHandler;
import org.springframework.messaging.support.ExecutorChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

import dev.stompbox.error.StompboxException;
import dev.stompbox.relay.RoomInterest;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.user.SessionReplies;

/**
 * Answers SUBSCRIBE, UNSUBSCRIBE and SEND frames that carry a {@code receipt} header, which
 * Spring's simple broker does not. A RECEIPT is sent only after the handler responsible for
 * the frame is done with it, and for a room topic subscription only once the room's traffic from
 * every instance reaches this one; that is also when the room subscription is counted.
 */
@Component
class Receipts implements ExecutorChannelInterceptor {

	private final RoomInterest interest;

	private final MessageChannel clientOutbound;

	private final SessionReplies replies;

	Receipts(RoomInterest interest, @Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutbound,
			@Lazy SessionReplies replies) {
		this.interest = interest;
		this.clientOutbound = clientOutbound;
		this.replies = replies;
	}

	@Override
	public void afterMessageHandled(Message<?> message, MessageChannel channel, MessageHandler handler,
			@Nullable Exception ex) {
		StompHeaderAccessor headers = StompHeaderAccessor.wrap(message);
		SimpMessageType type = headers.getMessageType();
		String destination = headers.getDestination();
		if (ex != null || !isResponsible(handler, type, destination)) {
			return;
		}
		CompletionStage<Void> done = CompletableFuture.completedFuture(null);
		if (type == SimpMessageType.SUBSCRIBE) {
			done = RoomDestinations.roomOfTopic(destination)
				.map((room) -> this.interest.subscribed(headers.getSessionId(), headers.getSubscriptionId(), room))
				.orElse(done);
		}
		String receipt = headers.getReceipt();
		done.whenComplete((ignored, failure) -> {
			if (failure != null) {
				// The subscription is registered but deaf to other instances: the client must know.
				this.replies.failed(headers.getSessionId(), StompboxException.from(failure), null, "subscribe",
						destination);
			}
			else if (receipt != null) {
				sendReceipt(headers.getSessionId(), receipt);
			}
		});
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
		this.clientOutbound.send(MessageBuilder.createMessage(new byte[0], receipt.getMessageHeaders()));
	}

}
