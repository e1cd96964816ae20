package dev.stompbox.metrics;

import org.jspecify.annotations.Nullable;

/**
 * Why a handshake was refused: the {@code reason} of {@code stompbox.handshakes.refused}.
 */
public enum HandshakeRefusal {

	/** 403: an {@code Origin} that is not on the allow-list. */
	ORIGIN,

	/** 401: a token that is present but invalid, expired or forged. */
	TOKEN,

	/**
	 * 503: the instance is at its connection cap, draining for shutdown, or shedding
	 * load.
	 */
	UNAVAILABLE;

	/**
	 * The refusal a handshake's HTTP status means, or {@code null} for one that was not
	 * refused.
	 */
	public static @Nullable HandshakeRefusal of(int status) {
		return switch (status) {
			case 401 -> TOKEN;
			case 403 -> ORIGIN;
			case 503 -> UNAVAILABLE;
			default -> null;
		};
	}

}
