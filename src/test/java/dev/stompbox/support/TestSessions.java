package dev.stompbox.support;

import java.util.HashSet;
import java.util.Set;

import dev.stompbox.session.SessionGate;

/**
 * Sessions a unit test opens and ends by hand, with the guarantee of the real gate: an
 * action runs only while its session is open, atomically with respect to its end.
 */
public final class TestSessions implements SessionGate {

	private final Set<String> open = new HashSet<>();

	public synchronized TestSessions open(String... sessionIds) {
		this.open.addAll(Set.of(sessionIds));
		return this;
	}

	public synchronized void end(String sessionId) {
		this.open.remove(sessionId);
	}

	@Override
	public synchronized boolean whileOpen(String sessionId, Runnable action) {
		if (!this.open.contains(sessionId)) {
			return false;
		}
		action.run();
		return true;
	}

}
