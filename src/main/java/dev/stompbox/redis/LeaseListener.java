package dev.stompbox.redis;

/** Called after every renewal of this instance's lease in Redis. */
public interface LeaseListener {

	/**
	 * @param regained true when the lease had been lost before this renewal (Redis
	 * restarted empty, or this instance was taken for dead): what the instance keeps in
	 * Redis must be written again
	 */
	void leaseRenewed(boolean regained);

}
