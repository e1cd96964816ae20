package dev.stompbox.bench;

/** What connections report to the workload that drives them; called on the connection's I/O thread. */
interface Events {

	/** Connected, subscribed (all RECEIPTs in) and, when it has a room, joined (join ACK ok). */
	void ready(Connection connection);

	/** The connection is gone: it failed before it was ready, or dropped after. */
	void closed(Connection connection, String reason, boolean wasReady);

	/** A room MESSAGE from the generator, with the sequence number and intended send time (epoch µs) it carried. */
	default void roomMessage(Connection connection, long seq, long sentMicros) {
	}

	/** A per-user event from the generator on {@code /user/queue/events}. */
	default void userEvent(Connection connection, long seq, long sentMicros) {
	}

	/** A message on {@code /user/queue/errors}, or a frame the generator could not read. */
	default void problem(Connection connection, String what) {
	}

}
