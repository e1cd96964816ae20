package dev.stompbox.metrics;

import org.springframework.web.socket.CloseStatus;

/**
 * Why a connection ended, from its WebSocket close code: the {@code reason} of
 * {@code stompbox.disconnects}.
 */
enum CloseReason {

	NORMAL, GOING_AWAY, PROTOCOL, POLICY, TOO_LARGE, TRY_AGAIN_LATER,

	/** Closed without a close frame (1006): the network or the client went away. */
	LOST,

	/**
	 * Closed by Spring as unreliable (4500): the client read too slowly (its send buffer
	 * overflowed, or a send took too long), or sent no frame within a minute of
	 * connecting.
	 */
	SLOW,

	OTHER;

	static CloseReason of(CloseStatus status) {
		return switch (status.getCode()) {
			case 1000 -> NORMAL;
			case 1001 -> GOING_AWAY;
			case 1002, 1003, 1007 -> PROTOCOL;
			case 1006 -> LOST;
			case 1008 -> POLICY;
			case 1009 -> TOO_LARGE;
			case 1013 -> TRY_AGAIN_LATER;
			case 4500 -> SLOW;
			default -> OTHER;
		};
	}

}
