package dev.stompbox.presence;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.RoomId;
import dev.stompbox.session.SessionGate;

/**
 * Single-node presence. One lock: joins and leaves are rare next to messages. Events are
 * published under it, so a room's events reach subscribers in the order of the changes: a
 * page reload's leave and join must not swap. A session joins only while it is open, so
 * its disconnect finds every room it joined. Users are kept ordered by id, and sessions
 * indexed, so that no change and no answer walks a whole room.
 */
public class InMemoryPresence implements Presence {

	private final Map<RoomId, RoomMembers> rooms = new HashMap<>();

	private final Map<String, Set<RoomId>> roomsBySession = new HashMap<>();

	private final RoomRelay relay;

	private final JsonMapper json;

	private final Clock clock;

	private final SessionGate sessions;

	private final int maxRooms;

	public InMemoryPresence(RoomRelay relay, JsonMapper json, Clock clock, SessionGate sessions, int maxRooms) {
		this.relay = relay;
		this.json = json;
		this.clock = clock;
		this.sessions = sessions;
		this.maxRooms = maxRooms;
	}

	@Override
	public CompletionStage<PresenceSnapshot> join(RoomId room, PresenceSession session, int listLimit) {
		@SuppressWarnings("unchecked")
		CompletionStage<PresenceSnapshot>[] joined = new CompletionStage[1];
		// Under the session's gate: once it has ended, its disconnect may already be
		// done.
		boolean open = this.sessions.whileOpen(session.sessionId(),
				() -> joined[0] = joinNow(room, session, listLimit));
		// When the session has ended there is no one to answer.
		return open ? joined[0] : CompletableFuture.completedFuture(new PresenceSnapshot(room.value(), List.of(), 0));
	}

	private CompletionStage<PresenceSnapshot> joinNow(RoomId room, PresenceSession session, int listLimit) {
		PresenceEvent event = null;
		PresenceSnapshot members;
		synchronized (this) {
			Set<RoomId> held = this.roomsBySession.get(session.sessionId());
			if (held != null && !held.contains(room) && held.size() >= this.maxRooms) {
				return CompletableFuture.failedFuture(
						ErrorCode.LIMIT_EXCEEDED.exception("A session may join at most " + this.maxRooms + " rooms"));
			}
			RoomMembers users = this.rooms.computeIfAbsent(room, (key) -> new RoomMembers());
			if (users.add(session)) {
				event = new PresenceEvent(PresenceEvent.JOIN, room.value(), session.userId(), session.name(),
						this.clock.millis(), users.count());
			}
			this.roomsBySession.computeIfAbsent(session.sessionId(), (key) -> new LinkedHashSet<>()).add(room);
			members = users.snapshot(room, session.userId(), listLimit);
			publish(room, event);
		}
		return CompletableFuture.completedFuture(members);
	}

	@Override
	public CompletionStage<Void> leave(RoomId room, String sessionId) {
		synchronized (this) {
			Set<RoomId> joined = this.roomsBySession.get(sessionId);
			if (joined == null || !joined.remove(room)) {
				return CompletableFuture.completedFuture(null);
			}
			if (joined.isEmpty()) {
				this.roomsBySession.remove(sessionId);
			}
			publish(room, removeSession(room, sessionId));
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletionStage<Void> disconnected(String sessionId) {
		synchronized (this) {
			Set<RoomId> joined = this.roomsBySession.remove(sessionId);
			if (joined != null) {
				joined.forEach((room) -> publish(room, removeSession(room, sessionId)));
			}
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public synchronized CompletionStage<MemberPage> members(RoomId room, @Nullable String after, int limit) {
		RoomMembers users = this.rooms.get(room);
		return CompletableFuture.completedFuture(
				(users != null) ? users.page(room, after, limit) : new MemberPage(room.value(), List.of(), 0, null));
	}

	@Override
	public synchronized boolean joined(RoomId room, String sessionId) {
		Set<RoomId> joined = this.roomsBySession.get(sessionId);
		return joined != null && joined.contains(room);
	}

	/** Sessions joined to at least one room. */
	public synchronized int localSessions() {
		return this.roomsBySession.size();
	}

	private @Nullable PresenceEvent removeSession(RoomId room, String sessionId) {
		RoomMembers users = this.rooms.get(room);
		if (users == null) {
			return null;
		}
		Member left = users.remove(sessionId);
		if (left == null) {
			return null;
		}
		if (users.count() == 0) {
			this.rooms.remove(room);
		}
		return new PresenceEvent(PresenceEvent.LEAVE, room.value(), left.userId(), left.name(), this.clock.millis(),
				users.count());
	}

	private void publish(RoomId room, PresenceEvent event) {
		if (event != null) {
			this.relay.publishPresence(room, this.json.writeValueAsBytes(event));
		}
	}

	private static final class PresentUser {

		private final String name;

		private final Map<String, PresenceSession> sessions = new LinkedHashMap<>();

		PresentUser(String name) {
			this.name = name;
		}

	}

	/** One room's present users, ordered by id, and which user each joined session is. */
	private static final class RoomMembers {

		private final NavigableMap<String, PresentUser> users = new TreeMap<>();

		private final Map<String, String> userBySession = new HashMap<>();

		/** Adds the session; whether it is its user's first in the room. */
		boolean add(PresenceSession session) {
			PresentUser user = this.users.get(session.userId());
			boolean first = user == null;
			if (first) {
				user = new PresentUser(session.name());
				this.users.put(session.userId(), user);
			}
			user.sessions.put(session.sessionId(), session);
			this.userBySession.put(session.sessionId(), session.userId());
			return first;
		}

		/**
		 * Removes the session; its user when that was the user's last session, else null.
		 */
		@Nullable Member remove(String sessionId) {
			String userId = this.userBySession.remove(sessionId);
			PresentUser user = (userId != null) ? this.users.get(userId) : null;
			if (user == null || user.sessions.remove(sessionId) == null || !user.sessions.isEmpty()) {
				return null;
			}
			this.users.remove(userId);
			return new Member(userId, user.name, 0);
		}

		int count() {
			return this.users.size();
		}

		/**
		 * The first users by id, at most {@code limit}, the given one always among them.
		 */
		PresenceSnapshot snapshot(RoomId room, String userId, int limit) {
			List<Member> members = new ArrayList<>(Math.min(limit, this.users.size()));
			boolean listed = false;
			for (Iterator<Map.Entry<String, PresentUser>> first = this.users.entrySet().iterator(); first.hasNext()
					&& members.size() < limit;) {
				Map.Entry<String, PresentUser> entry = first.next();
				members.add(member(entry));
				listed |= entry.getKey().equals(userId);
			}
			PresentUser user = this.users.get(userId);
			if (!listed && user != null && limit > 0) {
				// Not among the first: the user sorts after all of them and takes the
				// last place.
				if (members.size() == limit) {
					members.remove(members.size() - 1);
				}
				members.add(new Member(userId, user.name, user.sessions.size()));
			}
			return new PresenceSnapshot(room.value(), members, count());
		}

		/** At most {@code limit} users with an id after {@code after}, in id order. */
		MemberPage page(RoomId room, @Nullable String after, int limit) {
			Map<String, PresentUser> rest = (after != null) ? this.users.tailMap(after, false) : this.users;
			// No size() of the rest: a tail view of a tree counts by walking it.
			List<Member> members = new ArrayList<>();
			String next = null;
			for (Map.Entry<String, PresentUser> entry : rest.entrySet()) {
				if (members.size() == limit) {
					next = members.get(members.size() - 1).userId();
					break;
				}
				members.add(member(entry));
			}
			return new MemberPage(room.value(), members, count(), next);
		}

		private static Member member(Map.Entry<String, PresentUser> entry) {
			return new Member(entry.getKey(), entry.getValue().name, entry.getValue().sessions.size());
		}

	}

}
