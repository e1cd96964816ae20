package dev.stompbox.presence;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.RoomId;
import dev.stompbox.session.SessionGate;

/**
 * Single-node presence. One lock: joins and leaves are rare next to messages. Events are
 * published under it, so a room's events reach subscribers in the order of the changes: a
 * page reload's leave and join must not swap. A session joins only while it is open, so its
 * disconnect finds every room it joined.
 */
public class InMemoryPresence implements Presence {

	private final Map<RoomId, Map<String, PresentUser>> rooms = new HashMap<>();

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
	public CompletionStage<List<Member>> join(RoomId room, PresenceSession session) {
		@SuppressWarnings("unchecked")
		CompletionStage<List<Member>>[] joined = new CompletionStage[1];
		// Under the session's gate: once it has ended, its disconnect may already be done.
		boolean open = this.sessions.whileOpen(session.sessionId(), () -> joined[0] = joinNow(room, session));
		// When the session has ended there is no one to answer.
		return open ? joined[0] : CompletableFuture.completedFuture(List.of());
	}

	private CompletionStage<List<Member>> joinNow(RoomId room, PresenceSession session) {
		PresenceEvent event = null;
		List<Member> members;
		synchronized (this) {
			Set<RoomId> held = this.roomsBySession.get(session.sessionId());
			if (held != null && !held.contains(room) && held.size() >= this.maxRooms) {
				return CompletableFuture.failedFuture(
						ErrorCode.LIMIT_EXCEEDED.exception("A session may join at most " + this.maxRooms + " rooms"));
			}
			Map<String, PresentUser> users = this.rooms.computeIfAbsent(room, (key) -> new LinkedHashMap<>());
			PresentUser user = users.get(session.userId());
			if (user == null) {
				user = new PresentUser(session.name());
				users.put(session.userId(), user);
				event = new PresenceEvent(PresenceEvent.JOIN, room.value(), session.userId(), session.name(),
						this.clock.millis(), users.size());
			}
			user.sessions.put(session.sessionId(), session);
			this.roomsBySession.computeIfAbsent(session.sessionId(), (key) -> new LinkedHashSet<>()).add(room);
			members = snapshot(users);
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
	public synchronized CompletionStage<List<Member>> members(RoomId room) {
		Map<String, PresentUser> users = this.rooms.get(room);
		return CompletableFuture.completedFuture((users != null) ? snapshot(users) : List.of());
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

	private PresenceEvent removeSession(RoomId room, String sessionId) {
		Map<String, PresentUser> users = this.rooms.get(room);
		if (users == null) {
			return null;
		}
		for (Map.Entry<String, PresentUser> entry : users.entrySet()) {
			PresentUser user = entry.getValue();
			PresenceSession removed = user.sessions.remove(sessionId);
			if (removed == null) {
				continue;
			}
			if (!user.sessions.isEmpty()) {
				return null;
			}
			users.remove(entry.getKey());
			if (users.isEmpty()) {
				this.rooms.remove(room);
			}
			return new PresenceEvent(PresenceEvent.LEAVE, room.value(), entry.getKey(), user.name, this.clock.millis(),
					users.size());
		}
		return null;
	}

	private static List<Member> snapshot(Map<String, PresentUser> users) {
		List<Member> members = new ArrayList<>(users.size());
		users.forEach((userId, user) -> members.add(new Member(userId, user.name, user.sessions.size())));
		return members;
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

}
