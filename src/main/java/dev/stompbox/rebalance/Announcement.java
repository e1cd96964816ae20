package dev.stompbox.rebalance;

/**
 * What one instance tells the others, every period, for rebalancing.
 *
 * @param instance the instance id
 * @param revision its revision, empty when it has none
 * @param readySince when it first became ready (epoch millis, its own clock), 0 before
 * that
 * @param ready whether it accepts traffic now
 * @param connections its open connections
 * @param capacity its connection cap
 */
record Announcement(String instance, String revision, long readySince, boolean ready, int connections, int capacity) {

	boolean hasRevision() {
		return !this.revision.isEmpty();
	}

	int headroom() {
		return Math.max(0, this.capacity - this.connections);
	}

}
