package dev.stompbox.rebalance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Decides, from the cluster's announcements, whether this instance should move clients
 * away. Only ready instances count, as targets and for averages: nothing moves while no
 * better instance is ready.
 * <p>
 * <b>Revisions</b> are ordered by when each was first seen ready in the cluster, not by
 * name: that works for any naming (Cloud Run's {@code service-00042-abc}, a Kubernetes
 * pod template hash, a commit id), and an old revision's instance that restarts does not
 * make its revision new, for the first sighting is remembered in Redis (see
 * {@link Announcements}). A revision whose instances have all been gone longer than that
 * memory counts as new when it comes back; a roll-back by a new deploy is a new revision
 * anyway. The newest revision is the one first seen last among those with a ready
 * instance; an instance of another revision moves the clients that connected before the
 * newest one appeared, once it has been ready for the settle time and has room. Clients
 * that connected later were sent here by the load balancer while the newest revision was
 * up (a traffic split, a roll-back by traffic to a revision still running): they stay, so
 * nobody is moved round in circles.
 * <p>
 * <b>Load</b>: among the ready instances of its own revision, an instance holding more
 * than a quarter over the average and more than the minimum excess over it sheds down to
 * the average, while some other instance is below the average with room to spare. The gap
 * between where shedding starts and where it stops keeps the instances that took the
 * clients from shedding them back.
 */
class RebalancePolicy {

	/** An instance sheds load above this multiple of its revision's average. */
	static final double OVERLOAD = 1.25;

	private final RebalanceProperties properties;

	RebalancePolicy(RebalanceProperties properties) {
		this.properties = properties;
	}

	/** What this instance should do now; {@code null}: keep every client. */
	@Nullable Decision decide(Announcement self, ClusterView view, long now) {
		if (!self.ready()) {
			return null;
		}
		List<Announcement> ready = ready(self, view);
		if (this.properties.byRevision() && self.hasRevision()) {
			Decision moving = byRevision(self, ready, view, now);
			if (moving != null) {
				return moving;
			}
		}
		if (this.properties.byLoad()) {
			return byLoad(self, ready);
		}
		return null;
	}

	/**
	 * Whether a load shedding down to {@code keep} still has somewhere to send its
	 * clients.
	 */
	boolean othersBelow(Announcement self, ClusterView view, int keep) {
		return ready(self, view).stream()
			.anyMatch((other) -> !other.instance().equals(self.instance()) && other.revision().equals(self.revision())
					&& other.connections() < keep && other.headroom() > 0);
	}

	private @Nullable Decision byRevision(Announcement self, List<Announcement> ready, ClusterView view, long now) {
		Map<String, Long> since = new HashMap<>();
		Map<String, Integer> headroom = new HashMap<>();
		for (Announcement instance : ready) {
			if (instance.hasRevision()) {
				long seen = Math.min(view.firstSeen().getOrDefault(instance.revision(), Long.MAX_VALUE),
						instance.readySince());
				since.merge(instance.revision(), seen, Math::min);
				headroom.merge(instance.revision(), instance.headroom(), Integer::sum);
			}
		}
		String newest = since.entrySet()
			.stream()
			.max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
			.map(Map.Entry::getKey)
			.orElse(self.revision());
		if (newest.equals(self.revision()) || since.get(newest) > now - this.properties.rebalanceSettle().toMillis()
				|| headroom.get(newest) <= 0) {
			return null;
		}
		return Decision.revision(newest, since.get(newest));
	}

	private @Nullable Decision byLoad(Announcement self, List<Announcement> ready) {
		List<Announcement> peers = ready.stream().filter((other) -> other.revision().equals(self.revision())).toList();
		if (peers.size() < 2) {
			return null;
		}
		double average = peers.stream().mapToInt(Announcement::connections).sum() / (double) peers.size();
		int keep = (int) Math.ceil(average);
		boolean someoneBelow = peers.stream()
			.anyMatch((other) -> !other.instance().equals(self.instance()) && other.connections() < average
					&& other.headroom() > 0);
		if (someoneBelow && self.connections() > OVERLOAD * average
				&& self.connections() > average + this.properties.rebalanceMinExcess()) {
			return Decision.load(keep);
		}
		return null;
	}

	/**
	 * The ready instances, with this instance's announcement as it is now in place of the
	 * one read.
	 */
	private static List<Announcement> ready(Announcement self, ClusterView view) {
		List<Announcement> ready = new ArrayList<>();
		for (Announcement instance : view.instances()) {
			if (instance.ready() && !instance.instance().equals(self.instance())) {
				ready.add(instance);
			}
		}
		if (self.ready()) {
			ready.add(self);
		}
		ready.sort(Comparator.comparing(Announcement::instance));
		return ready;
	}

}
