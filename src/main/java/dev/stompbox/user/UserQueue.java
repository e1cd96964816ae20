package dev.stompbox.user;

/**
 * The per-session queues a client subscribes to under {@code /user} (PROTOCOL.md sections
 * 4 to 6).
 */
public enum UserQueue {

	ACKS("/queue/acks"), ERRORS("/queue/errors"), SYSTEM("/queue/system"), EVENTS("/queue/events");

	/** The prefix a client subscribes with and Spring resolves to one session's queue. */
	public static final String USER_PREFIX = "/user";

	private final String destination;

	UserQueue(String destination) {
		this.destination = destination;
	}

	/** The destination without the user prefix, for example {@code /queue/acks}. */
	public String destination() {
		return this.destination;
	}

	/** What a client subscribes to, for example {@code /user/queue/acks}. */
	public String subscription() {
		return USER_PREFIX + this.destination;
	}

	/**
	 * The destination that reaches the sessions of one user, or one session by its id.
	 */
	String addressedTo(String userOrSessionId) {
		return USER_PREFIX + "/" + userOrSessionId.replace("/", "%2F") + this.destination;
	}

}
