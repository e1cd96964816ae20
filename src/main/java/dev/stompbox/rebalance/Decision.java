package dev.stompbox.rebalance;

import org.jspecify.annotations.Nullable;

import dev.stompbox.metrics.RebalanceReason;

/**
 * That this instance should move clients away, and which.
 *
 * @param reason why
 * @param keep connections to keep: the others, as many as are eligible, move
 * @param connectedBefore only clients that connected before this (epoch millis) move
 * @param towards the revision they move to, for {@link RebalanceReason#REVISION}
 */
record Decision(RebalanceReason reason, int keep, long connectedBefore, @Nullable String towards) {

	static Decision revision(String towards, long since) {
		return new Decision(RebalanceReason.REVISION, 0, since, towards);
	}

	static Decision load(int keep) {
		return new Decision(RebalanceReason.LOAD, keep, Long.MAX_VALUE, null);
	}

}
