package dev.stompbox.metrics;

/**
 * What a client asked for with a frame, the {@code kind} of
 * {@code stompbox.messages.inbound}.
 */
public enum InboundKind {

	/** A SEND to a room's {@code join}. */
	JOIN,

	/** A SEND to a room's {@code messages}. */
	SEND,

	/** A SEND to a room's {@code leave}. */
	LEAVE,

	/** A SEND to one of a room's {@code commands}. */
	COMMAND,

	SUBSCRIBE,

	/** CONNECT, UNSUBSCRIBE, and SENDs to any other destination. */
	OTHER

}
