package dev.stompbox.user;

/**
 * Tells a client its connection is about to be closed on purpose (PROTOCOL.md section 6).
 */
public record SystemNotice(String type, String reason, long retryAfterMs) {

	public static final String SHUTDOWN = "shutdown";

	public static final String MAX_LIFETIME = "max-lifetime";

	public static final String TOKEN_EXPIRED = "token-expired";

	/**
	 * Moved to another instance: one of a newer revision, or one with fewer connections.
	 */
	public static final String REBALANCE = "rebalance";

	public static SystemNotice reconnect(String reason, long retryAfterMs) {
		return new SystemNotice("reconnect", reason, retryAfterMs);
	}

}
