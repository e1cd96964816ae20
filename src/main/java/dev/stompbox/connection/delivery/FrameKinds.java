package dev.stompbox.connection.delivery;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;

import dev.stompbox.metrics.InboundKind;
import dev.stompbox.metrics.OutboundKind;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.room.RoomRequest;
import dev.stompbox.user.UserQueue;

/**
 * Which kind of frame a message from or to a client is, for the message counters: read
 * from its type and destination only, never from its body.
 */
public final class FrameKinds {

	private FrameKinds() {
	}

	/**
	 * The kind of a frame from a client; {@code null} for heart-beats and for DISCONNECT,
	 * which Spring also makes up itself when a connection closes (disconnects are counted
	 * apart).
	 */
	public static @Nullable InboundKind inbound(MessageHeaders headers) {
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(headers);
		if (type == null) {
			return null;
		}
		return switch (type) {
			case MESSAGE -> ofSend(SimpMessageHeaderAccessor.getDestination(headers));
			case SUBSCRIBE -> InboundKind.SUBSCRIBE;
			case CONNECT, UNSUBSCRIBE -> InboundKind.OTHER;
			default -> null;
		};
	}

	/**
	 * The kind of a MESSAGE frame to a client; {@code null} for the other frames
	 * (CONNECTED, RECEIPT, ERROR).
	 */
	static @Nullable OutboundKind outbound(MessageHeaders headers) {
		if (SimpMessageHeaderAccessor.getMessageType(headers) != SimpMessageType.MESSAGE) {
			return null;
		}
		// A user destination reaches the session as /queue/acks-user<session id>; the one
		// the client subscribed to travels along in this native header.
		String destination = SimpMessageHeaderAccessor
			.getFirstNativeHeader(SimpMessageHeaderAccessor.ORIGINAL_DESTINATION, headers);
		if (destination == null) {
			destination = SimpMessageHeaderAccessor.getDestination(headers);
		}
		return (destination != null) ? ofDestination(destination) : OutboundKind.OTHER;
	}

	private static InboundKind ofSend(@Nullable String destination) {
		return RoomRequest.of(destination).map((request) -> switch (request) {
			case JOIN -> InboundKind.JOIN;
			case SEND -> InboundKind.SEND;
			case LEAVE -> InboundKind.LEAVE;
			case COMMAND -> InboundKind.COMMAND;
			case HISTORY -> InboundKind.OTHER;
		}).orElse(InboundKind.OTHER);
	}

	static OutboundKind ofDestination(String destination) {
		if (destination.startsWith(RoomDestinations.TOPIC_PREFIX)) {
			return destination.endsWith(RoomDestinations.PRESENCE_SUFFIX) ? OutboundKind.PRESENCE : OutboundKind.ROOM;
		}
		if (destination.startsWith(RoomDestinations.APP_PREFIX)) {
			// The answer to a subscription of /app/rooms/{roomId}/presence: the snapshot.
			return destination.endsWith(RoomDestinations.PRESENCE_SUFFIX) ? OutboundKind.PRESENCE : OutboundKind.OTHER;
		}
		String queue = destination.startsWith(UserQueue.USER_PREFIX)
				? destination.substring(UserQueue.USER_PREFIX.length()) : destination;
		for (UserQueue candidate : UserQueue.values()) {
			if (queue.startsWith(candidate.destination())) {
				return switch (candidate) {
					case ACKS -> OutboundKind.ACK;
					case ERRORS -> OutboundKind.ERROR;
					case SYSTEM -> OutboundKind.SYSTEM;
					case EVENTS -> OutboundKind.EVENT;
				};
			}
		}
		return OutboundKind.OTHER;
	}

}
