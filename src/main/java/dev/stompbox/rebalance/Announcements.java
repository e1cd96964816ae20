package dev.stompbox.rebalance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;

/**
 * The announcements in Redis: one key per instance that expires a few periods after its
 * last renewal, so a dead instance drops out by itself, and a set that names them, purged
 * of expired ones by whoever reads it. Beside them, per revision, when it was first seen
 * ready: kept while any of its instances announces and for {@link #REVISION_MEMORY}
 * after, so that instances of an old revision that restart do not make it look new.
 */
class Announcements {

	/**
	 * How long a revision's first sighting is remembered after its last instance went
	 * away.
	 */
	static final Duration REVISION_MEMORY = Duration.ofMinutes(10);

	private final RedisConnections connections;

	private final RedisKeys keys;

	private final JsonMapper json;

	Announcements(RedisConnections connections, RedisKeys keys, JsonMapper json) {
		this.connections = connections;
		this.keys = keys;
		this.json = json;
	}

	/** Writes this instance's announcement, to live {@code ttl} unless renewed. */
	CompletionStage<Void> announce(Announcement self, Duration ttl) {
		RedisAsyncCommands<String, String> commands = this.connections.commands();
		List<CompletableFuture<?>> writes = new ArrayList<>();
		writes.add(
				commands
					.set(this.keys.rebalanceAnnouncement(new InstanceId(self.instance())),
							this.json.writeValueAsString(self), SetArgs.Builder.px(ttl.toMillis()))
					.toCompletableFuture());
		writes.add(commands.sadd(this.keys.rebalanceInstances(), self.instance()).toCompletableFuture());
		if (self.ready() && self.hasRevision()) {
			String revision = this.keys.rebalanceRevision(self.revision());
			writes.add(commands
				.set(revision, Long.toString(self.readySince()), SetArgs.Builder.nx().px(REVISION_MEMORY.toMillis()))
				.toCompletableFuture());
			writes.add(commands.pexpire(revision, REVISION_MEMORY.toMillis()).toCompletableFuture());
		}
		return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
	}

	/** Every live announcement, and the first sightings of their revisions. */
	CompletionStage<ClusterView> read() {
		RedisAsyncCommands<String, String> commands = this.connections.commands();
		return commands.smembers(this.keys.rebalanceInstances()).thenCompose((ids) -> {
			if (ids.isEmpty()) {
				return CompletableFuture.completedFuture(new ClusterView(List.of(), Map.of()));
			}
			List<String> names = List.copyOf(ids);
			String[] keys = names.stream()
				.map((id) -> this.keys.rebalanceAnnouncement(new InstanceId(id)))
				.toArray(String[]::new);
			return commands.mget(keys).thenCompose((values) -> {
				List<Announcement> live = new ArrayList<>();
				List<String> expired = new ArrayList<>();
				for (int i = 0; i < values.size(); i++) {
					KeyValue<String, String> value = values.get(i);
					if (value.hasValue()) {
						live.add(this.json.readValue(value.getValue(), Announcement.class));
					}
					else {
						expired.add(names.get(i));
					}
				}
				if (!expired.isEmpty()) {
					commands.srem(this.keys.rebalanceInstances(), expired.toArray(String[]::new));
				}
				return firstSeen(commands, live).thenApply((firstSeen) -> new ClusterView(live, firstSeen));
			});
		});
	}

	/** Takes this instance out at once: it drains, its connections count no more. */
	CompletionStage<Void> withdraw(InstanceId instance) {
		RedisAsyncCommands<String, String> commands = this.connections.commands();
		return CompletableFuture.allOf(commands.del(this.keys.rebalanceAnnouncement(instance)).toCompletableFuture(),
				commands.srem(this.keys.rebalanceInstances(), instance.value()).toCompletableFuture());
	}

	private CompletionStage<Map<String, Long>> firstSeen(RedisAsyncCommands<String, String> commands,
			List<Announcement> live) {
		Set<String> revisions = new LinkedHashSet<>();
		live.stream()
			.filter(Announcement::hasRevision)
			.forEach((announcement) -> revisions.add(announcement.revision()));
		if (revisions.isEmpty()) {
			return CompletableFuture.completedFuture(Map.of());
		}
		List<String> names = List.copyOf(revisions);
		String[] keys = names.stream().map(this.keys::rebalanceRevision).toArray(String[]::new);
		return commands.mget(keys).thenApply((values) -> {
			Map<String, Long> firstSeen = new HashMap<>();
			for (int i = 0; i < values.size(); i++) {
				KeyValue<String, String> value = values.get(i);
				if (value.hasValue()) {
					firstSeen.put(names.get(i), Long.parseLong(value.getValue()));
				}
			}
			return firstSeen;
		});
	}

}
