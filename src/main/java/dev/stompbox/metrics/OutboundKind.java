package dev.stompbox.metrics;

/**
 * What a MESSAGE frame to a client carries, the {@code kind} of
 * {@code stompbox.messages.outbound}.
 */
public enum OutboundKind {

	/** A room message. */
	ROOM,

	/** A presence event, or the presence snapshot a subscription answers with. */
	PRESENCE,

	ACK,

	/** An entry on {@code /user/queue/errors}. */
	ERROR,

	/** A system notice such as {@code reconnect}. */
	SYSTEM,

	/** A per-user event from a backend. */
	EVENT,

	OTHER

}
