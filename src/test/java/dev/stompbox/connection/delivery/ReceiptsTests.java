package dev.stompbox.connection.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;

import dev.stompbox.relay.Publication;
import dev.stompbox.relay.RoomInterest;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.Draft;
import dev.stompbox.room.RoomId;
import dev.stompbox.user.SessionReplies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class ReceiptsTests {

	private static final RoomId ROOM = RoomId.of("lobby");

	private final AttachOnDemand relay = new AttachOnDemand();

	private final RoomInterest interest = new RoomInterest(this.relay, (sessionId, action) -> {
		action.run();
		return true;
	});

	private final OrderedOutbound outbound = mock(OrderedOutbound.class);

	private final Receipts receipts = new Receipts(this.interest, this.outbound, mock(SessionReplies.class));

	private final MessageChannel channel = mock(MessageChannel.class);

	private final SimpleBrokerMessageHandler broker = mock(SimpleBrokerMessageHandler.class);

	@Test
	void aRoomSubscriptionIsCountedBeforeAnyHandlerRunsSoThatAJoinBehindItWaitsForTheRoom() {
		// Spring releases the session's next frame (the join) once the first handler is
		// done with the SUBSCRIBE, which may be before the broker's.
		this.receipts.preSend(subscribe("s1", "sub-1", "r-1"), this.channel);
		CompletionStage<Void> join = this.interest.ready(ROOM);
		assertThat(join.toCompletableFuture()).isNotDone();
		this.relay.attached.getFirst().complete(null);
		assertThat(join.toCompletableFuture()).isCompleted();
	}

	@Test
	void aJoinBehindASubscriptionWaitsUntilTheBrokerRegisteredIt() {
		Message<byte[]> subscribe = subscribe("s1", "sub-1", "r-1");
		this.receipts.preSend(subscribe, this.channel);
		this.relay.attached.getFirst().complete(null);
		CompletionStage<Void> join = this.interest.ready("s1", ROOM);
		assertThat(join.toCompletableFuture()).isNotDone();
		assertThat(this.interest.ready("s2", ROOM).toCompletableFuture()).isCompleted();
		this.receipts.afterMessageHandled(subscribe, this.channel, this.broker, null);
		assertThat(join.toCompletableFuture()).isCompleted();
	}

	@Test
	void aJoinBehindASubscriptionThatEndedDoesNotWaitForIt() {
		this.receipts.preSend(subscribe("s1", "sub-1", "r-1"), this.channel);
		this.relay.attached.getFirst().complete(null);
		CompletionStage<Void> join = this.interest.ready("s1", ROOM);
		this.interest.unsubscribed("s1", "sub-1");
		assertThat(join.toCompletableFuture()).isCompleted();
	}

	@Test
	void theReceiptOfARoomSubscriptionWaitsUntilTheRoomIsAttached() {
		Message<byte[]> subscribe = subscribe("s1", "sub-1", "r-1");
		this.receipts.preSend(subscribe, this.channel);
		this.receipts.afterMessageHandled(subscribe, this.channel, this.broker, null);
		verify(this.outbound, never()).send(eq("s1"), any());
		this.relay.attached.getFirst().complete(null);
		verify(this.outbound).send(eq("s1"), any());
	}

	@Test
	void aRoomSubscriptionTheBrokerFailedToRegisterIsNotCounted() {
		Message<byte[]> subscribe = subscribe("s1", "sub-1", "r-1");
		this.receipts.preSend(subscribe, this.channel);
		this.receipts.afterMessageHandled(subscribe, this.channel, this.broker, new IllegalStateException("boom"));
		assertThat(this.interest.attachedRooms()).isZero();
		assertThat(this.relay.detached).containsExactly(ROOM);
	}

	private static Message<byte[]> subscribe(String sessionId, String subscriptionId, String receipt) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.SUBSCRIBE);
		headers.setSessionId(sessionId);
		headers.setSubscriptionId(subscriptionId);
		headers.setDestination("/topic/rooms/" + ROOM.value());
		headers.setReceipt(receipt);
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

	/** A relay whose attachments complete when the test says so. */
	private static final class AttachOnDemand implements RoomRelay {

		final List<CompletableFuture<Void>> attached = new ArrayList<>();

		final List<RoomId> detached = new ArrayList<>();

		@Override
		public CompletionStage<Publication> publish(Draft draft) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletionStage<Void> publishPresence(RoomId room, byte[] json) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletionStage<Void> attach(RoomId room) {
			CompletableFuture<Void> attachment = new CompletableFuture<>();
			this.attached.add(attachment);
			return attachment;
		}

		@Override
		public void detach(RoomId room) {
			this.detached.add(room);
		}

	}

}
