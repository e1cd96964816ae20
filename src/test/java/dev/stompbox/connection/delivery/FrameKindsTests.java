package dev.stompbox.connection.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;

import dev.stompbox.metrics.InboundKind;
import dev.stompbox.metrics.OutboundKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames to and from clients sorted into the kinds the message counters are tagged with.
 */
class FrameKindsTests {

	@ParameterizedTest
	@CsvSource({ "/app/rooms/lobby/join, JOIN", "/app/rooms/lobby/messages, SEND", "/app/rooms/lobby/leave, LEAVE",
			"/app/rooms/lobby/commands/roll, COMMAND", "/app/rooms/lobby/other, OTHER", "/app, OTHER",
			"/topic/rooms/lobby, OTHER" })
	void sendsAreSortedByTheirDestination(String destination, InboundKind kind) {
		StompHeaderAccessor send = StompHeaderAccessor.create(StompCommand.SEND);
		send.setDestination(destination);
		assertThat(FrameKinds.inbound(send.getMessageHeaders())).isEqualTo(kind);
	}

	@Test
	void subscribeConnectAndUnsubscribeHaveTheirKinds() {
		assertThat(FrameKinds.inbound(StompHeaderAccessor.create(StompCommand.SUBSCRIBE).getMessageHeaders()))
			.isEqualTo(InboundKind.SUBSCRIBE);
		assertThat(FrameKinds.inbound(StompHeaderAccessor.create(StompCommand.CONNECT).getMessageHeaders()))
			.isEqualTo(InboundKind.OTHER);
		assertThat(FrameKinds.inbound(StompHeaderAccessor.create(StompCommand.UNSUBSCRIBE).getMessageHeaders()))
			.isEqualTo(InboundKind.OTHER);
	}

	@Test
	void heartBeatsAndDisconnectsAreNotCountedAsMessages() {
		assertThat(FrameKinds.inbound(StompHeaderAccessor.createForHeartbeat().getMessageHeaders())).isNull();
		assertThat(FrameKinds.inbound(StompHeaderAccessor.create(StompCommand.DISCONNECT).getMessageHeaders()))
			.isNull();
	}

	@ParameterizedTest
	@CsvSource({ "/topic/rooms/lobby, ROOM", "/topic/rooms/lobby/presence, PRESENCE",
			"/app/rooms/lobby/presence, PRESENCE", "/queue/acks-user1a2b, ACK", "/queue/errors-user1a2b, ERROR",
			"/queue/system-user1a2b, SYSTEM", "/queue/events-user1a2b, EVENT", "/queue/elsewhere, OTHER" })
	void messagesToClientsAreSortedByDestination(String destination, OutboundKind kind) {
		assertThat(FrameKinds.outbound(message(destination, null))).isEqualTo(kind);
	}

	@ParameterizedTest
	@CsvSource({ "/user/queue/acks, ACK", "/user/queue/errors, ERROR", "/user/queue/system, SYSTEM",
			"/user/queue/events, EVENT" })
	void userQueuesAreKnownByTheDestinationTheClientSubscribedTo(String subscribed, OutboundKind kind) {
		assertThat(FrameKinds.outbound(message("/queue/x-user1a2b", subscribed))).isEqualTo(kind);
	}

	@Test
	void framesOtherThanMessageAreNotCountedAsMessages() {
		assertThat(FrameKinds.outbound(StompHeaderAccessor.create(StompCommand.RECEIPT).getMessageHeaders())).isNull();
		assertThat(FrameKinds.outbound(StompHeaderAccessor.create(StompCommand.ERROR).getMessageHeaders())).isNull();
	}

	private static MessageHeaders message(String destination, String originalDestination) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setDestination(destination);
		if (originalDestination != null) {
			headers.setNativeHeader(SimpMessageHeaderAccessor.ORIGINAL_DESTINATION, originalDestination);
		}
		return headers.getMessageHeaders();
	}

}
