package dev.stompbox.rebalance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.stompbox.metrics.RebalanceReason;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link RebalancePolicy} decides from a cluster's announcements. */
class RebalancePolicyTests {

	private static final long NOW = 1_000_000;

	private final RebalancePolicy both = policy(List.of(Rebalancing.REVISION, Rebalancing.LOAD));

	@Test
	void anOlderRevisionMovesEveryClientThatConnectedBeforeTheNewestAppearedOnceItHasSettled() {
		Announcement self = instance("a", "svc-00001-aaa", NOW - 60_000, 10);
		Announcement newer = instance("b", "svc-00002-bbb", NOW - 11_000, 0);
		Decision decision = decide(this.both, self, newer);
		assertThat(decision).isNotNull();
		assertThat(decision.reason()).isEqualTo(RebalanceReason.REVISION);
		assertThat(decision.towards()).isEqualTo("svc-00002-bbb");
		assertThat(decision.keep()).isZero();
		assertThat(decision.connectedBefore()).isEqualTo(NOW - 11_000);
	}

	@Test
	void nothingMovesBeforeTheNewestRevisionHasBeenReadyForTheSettleTime() {
		Announcement self = instance("a", "r1", NOW - 60_000, 10);
		Announcement newer = instance("b", "r2", NOW - 5_000, 0);
		assertThat(decide(this.both, self, newer)).isNull();
	}

	@Test
	void anInstanceThatIsNotReadyIsNoTarget() {
		Announcement self = instance("a", "r1", NOW - 60_000, 10);
		Announcement starting = new Announcement("b", "r2", NOW - 30_000, false, 0, 100);
		assertThat(decide(this.both, self, starting)).isNull();
	}

	@Test
	void aFullNewestRevisionTakesNobody() {
		Announcement self = instance("a", "r1", NOW - 60_000, 10);
		Announcement full = new Announcement("b", "r2", NOW - 30_000, true, 100, 100);
		assertThat(decide(this.both, self, full)).isNull();
	}

	/**
	 * A restarted instance of the old revision is new, its revision is not: the first
	 * sighting is remembered.
	 */
	@Test
	void revisionsAreOrderedByWhenTheyWereFirstSeenNotByTheirInstancesStartTimes() {
		Announcement restartedOld = instance("a2", "r1", NOW - 12_000, 0);
		Announcement newer = instance("b", "r2", NOW - 30_000, 10);
		ClusterView view = view(List.of(restartedOld, newer), Map.of("r1", NOW - 600_000L, "r2", NOW - 30_000L));
		assertThat(this.both.decide(newer, view, NOW)).isNull();
		Decision decision = this.both.decide(restartedOld, view, NOW);
		assertThat(decision).isNotNull();
		assertThat(decision.towards()).isEqualTo("r2");
	}

	@Test
	void theNewestRevisionKeepsItsClients() {
		Announcement self = instance("b", "r2", NOW - 30_000, 10);
		Announcement older = instance("a", "r1", NOW - 60_000, 0);
		assertThat(decide(this.both, self, older)).isNull();
	}

	@Test
	void withoutARevisionNothingMovesByRevision() {
		RebalancePolicy revision = policy(List.of(Rebalancing.REVISION));
		Announcement self = instance("a", "", NOW - 60_000, 10);
		Announcement other = instance("b", "r2", NOW - 30_000, 0);
		assertThat(decide(revision, self, other)).isNull();
	}

	@Test
	void anInstanceWellOverTheAverageShedsDownToIt() {
		Announcement self = instance("a", "r1", NOW - 60_000, 90);
		Announcement other = instance("b", "r1", NOW - 60_000, 10);
		Decision decision = decide(this.both, self, other);
		assertThat(decision).isNotNull();
		assertThat(decision.reason()).isEqualTo(RebalanceReason.LOAD);
		assertThat(decision.keep()).isEqualTo(50);
		assertThat(decision.connectedBefore()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void anInstanceALittleOverTheAverageKeepsItsClients() {
		// 24 against an average of 21: under a quarter over it.
		Announcement self = instance("a", "r1", NOW - 60_000, 24);
		Announcement other = instance("b", "r1", NOW - 60_000, 18);
		assertThat(decide(this.both, self, other)).isNull();
		// 7 against an average of 4: three quarters over, but within the minimum excess
		// of 10.
		Announcement small = instance("a", "r1", NOW - 60_000, 7);
		Announcement few = instance("b", "r1", NOW - 60_000, 1);
		assertThat(decide(this.both, small, few)).isNull();
	}

	@Test
	void theOnlyReadyInstanceKeepsItsClients() {
		Announcement self = instance("a", "r1", NOW - 60_000, 90);
		Announcement starting = new Announcement("b", "r1", NOW - 60_000, false, 0, 100);
		assertThat(decide(this.both, self, starting)).isNull();
	}

	@Test
	void loadIsComparedWithinARevisionOnly() {
		RebalancePolicy load = policy(List.of(Rebalancing.LOAD));
		Announcement self = instance("a", "r1", NOW - 60_000, 90);
		Announcement otherRevision = instance("b", "r2", NOW - 60_000, 0);
		assertThat(decide(load, self, otherRevision)).isNull();
	}

	/** What the policy decides for {@code self} in a cluster of it and {@code other}. */
	private static Decision decide(RebalancePolicy policy, Announcement self, Announcement other) {
		return policy.decide(self, view(List.of(self, other), Map.of()), NOW);
	}

	private static RebalancePolicy policy(List<Rebalancing> rebalancing) {
		return new RebalancePolicy(
				new RebalanceProperties(rebalancing, null, Duration.ofMinutes(2), Duration.ofSeconds(10), 10));
	}

	private static Announcement instance(String id, String revision, long readySince, int connections) {
		return new Announcement(id, revision, readySince, true, connections, 100);
	}

	private static ClusterView view(List<Announcement> instances, Map<String, Long> firstSeen) {
		return new ClusterView(instances, firstSeen);
	}

}
