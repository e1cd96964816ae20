package dev.stompbox.connection.limit;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token bucket behind {@code STOMPBOX_RATE_LIMIT}: the rate a second, bursts of twice
 * that.
 */
class RateLimiterTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private static final long START = 1_000 * SECOND;

	/** Slack against floating-point rounding of the refill. */
	private static final long EPSILON = TimeUnit.MICROSECONDS.toNanos(1);

	@Test
	void freshLimiterAllowsABurstOfTwiceTheRate() {
		RateLimiter limiter = new RateLimiter(5, START);
		assertThat(acquired(limiter, START, 10)).isEqualTo(10);
	}

	@Test
	void requestAfterTheBurstIsRefused() {
		RateLimiter limiter = new RateLimiter(5, START);
		acquired(limiter, START, 10);
		assertThat(limiter.tryAcquire(START)).isFalse();
	}

	@Test
	void refusedRequestsDoNotUseUpTheRefill() {
		RateLimiter limiter = new RateLimiter(5, START);
		acquired(limiter, START, 10);
		for (int i = 0; i < 100; i++) {
			assertThat(limiter.tryAcquire(START + i)).isFalse();
		}
		assertThat(limiter.tryAcquire(START + SECOND / 5 + EPSILON)).as("one permit after a fifth of a second")
			.isTrue();
	}

	@Test
	void permitsComeBackAtTheRate() {
		RateLimiter limiter = new RateLimiter(5, START);
		acquired(limiter, START, 10);
		assertThat(limiter.tryAcquire(START + SECOND / 5 - EPSILON)).isFalse();
		assertThat(limiter.tryAcquire(START + SECOND / 5 + EPSILON)).isTrue();
		assertThat(acquired(limiter, START + SECOND + SECOND / 5 + 2 * EPSILON, 100)).as("permits one second later")
			.isEqualTo(5);
	}

	@Test
	void quietSpellRefillsNoMoreThanTwiceTheRate() {
		RateLimiter limiter = new RateLimiter(5, START);
		acquired(limiter, START, 10);
		assertThat(acquired(limiter, START + 60 * SECOND, 100)).isEqualTo(10);
	}

	@Test
	void steadySenderGetsTheRateOverTime() {
		RateLimiter limiter = new RateLimiter(50, START);
		int granted = 0;
		// A sender trying every millisecond for ten seconds.
		for (long t = 0; t < 10 * SECOND; t += TimeUnit.MILLISECONDS.toNanos(1)) {
			if (limiter.tryAcquire(START + t)) {
				granted++;
			}
		}
		// The full bucket, then the rate: 100 + 50 a second.
		assertThat(granted).isBetween(100 + 500 - 1, 100 + 500 + 1);
	}

	@Test
	void rateOfOneStillAllowsABurstOfTwo() {
		RateLimiter limiter = new RateLimiter(1, START);
		assertThat(acquired(limiter, START, 10)).isEqualTo(2);
		assertThat(limiter.tryAcquire(START + SECOND + EPSILON)).isTrue();
		assertThat(limiter.tryAcquire(START + SECOND + EPSILON)).isFalse();
	}

	private static int acquired(RateLimiter limiter, long now, int attempts) {
		int granted = 0;
		for (int i = 0; i < attempts; i++) {
			if (limiter.tryAcquire(now)) {
				granted++;
			}
		}
		return granted;
	}

}
