package dev.stompbox.session;

/**
 * The line between a client session's life and its end, for the features that keep state
 * per session (presence, a room's interest, user routes) without depending on the
 * connection feature. A session's end is final: once its clean-up has begun nothing new
 * may be created for it, and whatever was created before is there for the clean-up to
 * find. Spring handles a closed connection's end before the frames it still had queued,
 * and their work completes later still, so a check of "is it open" would not do: the
 * state is created under the gate.
 */
@FunctionalInterface
public interface SessionGate {

	/**
	 * Runs the action, which creates state owned by the session, if and only if the
	 * session is open, atomically with respect to its end. The action must not block.
	 * @return whether the session was open and the action ran
	 */
	boolean whileOpen(String sessionId, Runnable action);

}
