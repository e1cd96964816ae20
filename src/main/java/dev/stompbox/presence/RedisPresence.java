package dev.stompbox.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.connection.DrainStarted;
import dev.stompbox.error.ErrorCode;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.LeaseListener;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.redis.SettledChanges;
import dev.stompbox.room.RoomId;
import dev.stompbox.session.SessionGate;

/**
 * Cluster presence. Every session entry in Redis belongs to the instance that holds the
 * session, and lives as long as that instance's lease: when an instance dies without
 * cleaning up, a survivor removes its sessions after the presence timeout and the script
 * emits each resulting leave exactly once. Join ACK members, presence snapshots and the
 * server API's pages read the same keys, a bounded page at a time. Entries are created
 * only while their session is open, and a leave that fails (Redis unreachable) is retried
 * until it holds: nothing of a session outlives it.
 */
public class RedisPresence implements Presence, LeaseListener {

	private static final Log logger = LogFactory.getLog(RedisPresence.class);

	private static final LuaScript PRESENCE = LuaScript.load(RedisPresence.class, "presence.lua");

	private final RedisScripts scripts;

	private final RedisKeys keys;

	private final InstanceId instance;

	private final JsonMapper json;

	/**
	 * This instance's joined sessions, to answer {@link #joined} and to re-join after a
	 * loss.
	 */
	private final Map<String, Map<RoomId, PresenceSession>> local = new ConcurrentHashMap<>();

	/**
	 * Joins and leaves in Redis, one after the other per session and room, retried until
	 * they hold.
	 */
	private final SettledChanges<Membership> changes = new SettledChanges<>("presence", this::settle);

	private final SessionGate sessions;

	private final int maxRooms;

	private volatile boolean handingOver;

	public RedisPresence(RedisScripts scripts, RedisKeys keys, InstanceId instance, JsonMapper json,
			SessionGate sessions, int maxRooms) {
		this.scripts = scripts;
		this.keys = keys;
		this.instance = instance;
		this.json = json;
		this.sessions = sessions;
		this.maxRooms = maxRooms;
	}

	@Override
	public CompletionStage<PresenceSnapshot> join(RoomId room, PresenceSession session, int listLimit) {
		String sessionId = session.sessionId();
		Membership membership = new Membership(sessionId, room);
		@SuppressWarnings("unchecked")
		CompletionStage<Object>[] joining = new CompletionStage[1];
		// The entry and the script go out under the session's gate: a disconnect that
		// follows finds the entry, and its leave goes to Redis after the join.
		boolean open = this.sessions.whileOpen(sessionId, () -> {
			// Recorded before Redis answers, so a SEND right behind the join is not
			// refused.
			if (!record(room, session)) {
				joining[0] = CompletableFuture.failedFuture(
						ErrorCode.LIMIT_EXCEEDED.exception("A session may join at most " + this.maxRooms + " rooms"));
				return;
			}
			joining[0] = this.changes.run(membership,
					() -> run("join", room, sessionId, session.userId(), session.name(), Integer.toString(listLimit)));
		});
		if (!open) {
			// The session has ended: there is no one to answer.
			return CompletableFuture.completedFuture(new PresenceSnapshot(room.value(), List.of(), 0));
		}
		return joining[0].thenApply((reply) -> snapshot(room, reply)).whenComplete((members, failure) -> {
			if (failure != null && forget(room, sessionId)) {
				// It may have run in Redis all the same (a timeout): taken back until
				// that holds.
				this.changes.settle(membership);
			}
		});
	}

	@Override
	public CompletionStage<Void> leave(RoomId room, String sessionId) {
		if (!forget(room, sessionId)) {
			return CompletableFuture.completedFuture(null);
		}
		return this.changes.run(new Membership(sessionId, room), () -> run("leave", room, sessionId))
			.thenApply((left) -> null);
	}

	@Override
	public CompletionStage<Void> disconnected(String sessionId) {
		Map<RoomId, PresenceSession> rooms = this.local.remove(sessionId);
		if (rooms == null || this.handingOver) {
			// While draining, the entries stay with the lease: a user who reconnects
			// elsewhere within seconds is never seen to leave; the others leave when the
			// lease expires.
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<?>[] leaves = rooms.keySet()
			.stream()
			.map((room) -> this.changes.run(new Membership(sessionId, room), () -> run("leave", room, sessionId))
				.toCompletableFuture())
			.toArray(CompletableFuture[]::new);
		return CompletableFuture.allOf(leaves);
	}

	@Override
	public CompletionStage<MemberPage> members(RoomId room, @Nullable String after, int limit) {
		return run("members", room, (after != null) ? after : "", Integer.toString(limit))
			.thenApply((reply) -> page(room, reply));
	}

	@Override
	public boolean joined(RoomId room, String sessionId) {
		Map<RoomId, PresenceSession> rooms = this.local.get(sessionId);
		return rooms != null && rooms.containsKey(room);
	}

	/** This instance's sessions joined to at least one room. */
	public int localSessions() {
		int joined = 0;
		for (Map<RoomId, PresenceSession> rooms : this.local.values()) {
			if (!rooms.isEmpty()) {
				joined++;
			}
		}
		return joined;
	}

	/** Joins and leaves on their way to Redis, or failed and waiting to be retried. */
	public int pendingChanges() {
		return this.changes.pending();
	}

	/**
	 * Each renewal of the lease reaps instances whose lease expired; after this
	 * instance's own lease was lost (Redis restarted empty, or we were taken for dead)
	 * its sessions are written again.
	 */
	@Override
	public void leaseRenewed(boolean regained) {
		this.scripts
			.<Long>run(PRESENCE, ScriptOutputType.INTEGER, new String[] { this.keys.instances() }, "reap",
					this.keys.presenceRoomPrefix(), this.keys.instancePrefix(), this.keys.presenceChannelPrefix(),
					this.instance.value())
			.whenComplete((reaped, failure) -> {
				if (failure == null && reaped > 0) {
					logger.info("Removed " + reaped + " sessions of instances whose lease expired");
				}
			});
		if (regained) {
			this.local.forEach((sessionId, rooms) -> rooms
				.forEach((room, session) -> this.changes.settle(new Membership(sessionId, room))));
		}
		// Redis answers: what failed during a blip is tried again now.
		this.changes.retryNow();
	}

	@EventListener
	void onDrain(DrainStarted drain) {
		this.handingOver = true;
	}

	/** Adds the room to the session's, unless that would take it over the limit. */
	private boolean record(RoomId room, PresenceSession session) {
		boolean[] recorded = { false };
		this.local.compute(session.sessionId(), (id, rooms) -> {
			Map<RoomId, PresenceSession> held = (rooms != null) ? rooms : new ConcurrentHashMap<>();
			if (held.containsKey(room) || held.size() < this.maxRooms) {
				held.put(room, session);
				recorded[0] = true;
			}
			return held.isEmpty() ? null : held;
		});
		return recorded[0];
	}

	private boolean forget(RoomId room, String sessionId) {
		boolean[] removed = { false };
		this.local.computeIfPresent(sessionId, (id, rooms) -> {
			removed[0] = rooms.remove(room) != null;
			return rooms.isEmpty() ? null : rooms;
		});
		return removed[0];
	}

	/**
	 * Writes what this instance holds of the session in the room: present while it is
	 * joined here, else gone. Runs again after a failure until it succeeds.
	 */
	private CompletionStage<?> settle(Membership membership) {
		RoomId room = membership.room();
		String sessionId = membership.sessionId();
		Map<RoomId, PresenceSession> rooms = this.local.get(sessionId);
		PresenceSession session = (rooms != null) ? rooms.get(room) : null;
		if (session != null) {
			return run("join", room, sessionId, session.userId(), session.name(), "0");
		}
		return run("leave", room, sessionId);
	}

	private <T> CompletionStage<T> run(String operation, RoomId room, String... rest) {
		String[] args = new String[6 + rest.length];
		args[0] = operation;
		args[1] = this.keys.presenceRoomPrefix();
		args[2] = this.keys.instancePrefix();
		args[3] = this.keys.presenceChannelPrefix();
		args[4] = this.instance.value();
		args[5] = room.value();
		System.arraycopy(rest, 0, args, 6, rest.length);
		// join and members answer with the member count and one page of members, leave
		// with 0 or 1
		ScriptOutputType output = operation.equals("leave") ? ScriptOutputType.INTEGER : ScriptOutputType.MULTI;
		return this.scripts.run(PRESENCE, output, new String[] { this.keys.instances() }, args);
	}

	/** A join's answer: {present users, members JSON}. */
	private PresenceSnapshot snapshot(RoomId room, Object reply) {
		List<?> parts = (List<?>) reply;
		return new PresenceSnapshot(room.value(), members(parts.get(1)), count(parts.get(0)));
	}

	/** A page's answer: {present users, next or '', members JSON}. */
	private MemberPage page(RoomId room, Object reply) {
		List<?> parts = (List<?>) reply;
		String next = (String) parts.get(1);
		return new MemberPage(room.value(), members(parts.get(2)), count(parts.get(0)), next.isEmpty() ? null : next);
	}

	private List<Member> members(Object json) {
		return new JsonMemberList((String) json, this.json);
	}

	private static int count(Object count) {
		return Math.toIntExact((Long) count);
	}

	/** A session in a room: what one join, leave or retry is about. */
	private record Membership(String sessionId, RoomId room) {
	}

}
