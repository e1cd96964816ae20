package dev.stompbox.presence;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease's timings: a survivor reaps a dead instance at its first renewal after the
 * dead one's lease expired, so a crashed instance's sessions are gone within the presence
 * timeout only when the lease's time to live and a renewal period add up to no more than
 * it.
 */
class InstanceLeaseTests {

	@Test
	void aCrashedInstanceIsReapedWithinThePresenceTimeoutAndALiveOneMayMissARenewal() {
		for (Duration timeout : new Duration[] { Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(30),
				Duration.ofMillis(1001) }) {
			InstanceLease lease = new InstanceLease(null, null, null, new PresenceProperties(timeout, 100), null, null);

			assertThat(lease.ttl().plus(lease.renewal())).as("lease and reaping after a crash, for %s", timeout)
				.isLessThanOrEqualTo(timeout);
			assertThat(lease.ttl()).as("renewals a live instance may miss, for %s", timeout)
				.isGreaterThanOrEqualTo(lease.renewal().multipliedBy(2));
		}
	}

}
