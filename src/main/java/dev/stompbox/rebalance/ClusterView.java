package dev.stompbox.rebalance;

import java.util.List;
import java.util.Map;

/**
 * The instances that announced themselves, as one read of Redis found them.
 *
 * @param instances the live announcements, this instance's among them once it has
 * announced
 * @param firstSeen when each revision was first seen ready in the cluster (epoch millis)
 */
record ClusterView(List<Announcement> instances, Map<String, Long> firstSeen) {
}
