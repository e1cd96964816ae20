package dev.stompbox.connection.limit;

/**
 * A token bucket: {@code rate} permits a second, holding at most twice that, so a session
 * may burst after a quiet spell but not sustain more than the rate.
 */
final class RateLimiter {

	private final double ratePerNano;

	private final double capacity;

	private double tokens;

	private long updatedAt;

	RateLimiter(int ratePerSecond, long now) {
		this.ratePerNano = ratePerSecond / 1e9;
		this.capacity = 2.0 * ratePerSecond;
		this.tokens = this.capacity;
		this.updatedAt = now;
	}

	/**
	 * Tops the bucket up to at least this many permits: what a new session may start
	 * with.
	 */
	synchronized RateLimiter atLeast(double permits, long now) {
		this.tokens = Math.max(Math.min(this.capacity, permits),
				Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.ratePerNano));
		this.updatedAt = now;
		return this;
	}

	synchronized boolean tryAcquire(long now) {
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.ratePerNano);
		this.updatedAt = now;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

}
