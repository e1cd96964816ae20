package dev.stompbox.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;
import org.springframework.web.socket.messaging.SessionUnsubscribeEvent;

import dev.stompbox.room.RoomId;
import dev.stompbox.session.SessionGate;

/**
 * Counts this instance's subscriptions per room so the relay is attached to a room only
 * while someone here listens to it, and so a RECEIPT or join ACK can wait until the
 * attachment is live.
 */
@Component
public class RoomInterest {

	private final RoomRelay relay;

	/** sessionId to (subscriptionId to room). */
	private final Map<String, Map<String, RoomId>> subscriptions = new ConcurrentHashMap<>();

	private final Map<RoomId, Attachment> attachments = new HashMap<>();

	/**
	 * Room subscriptions counted but not yet registered by the broker: a join of the same
	 * session waits for them, since the broker registers a SUBSCRIBE on a thread of its
	 * own while the session's next frame may already be handled.
	 */
	private final Map<Registration, CompletableFuture<Void>> registering = new ConcurrentHashMap<>();

	private final SessionGate sessions;

	public RoomInterest(RoomRelay relay, SessionGate sessions) {
		this.relay = relay;
		this.sessions = sessions;
	}

	/**
	 * Records a room subscription that the broker is about to register, before it does,
	 * so that whatever the session sends next finds the room's attachment under way
	 * ({@link #ready}). A session that has ended is not counted: its disconnect may have
	 * been handled already, and nothing would release the room.
	 */
	public void subscribed(String sessionId, String subscriptionId, RoomId room) {
		this.sessions.whileOpen(sessionId, () -> {
			RoomId previous = this.subscriptions.computeIfAbsent(sessionId, (id) -> new ConcurrentHashMap<>())
				.put(subscriptionId, room);
			if (previous != null) {
				release(previous);
			}
			retain(room);
			CompletableFuture<Void> earlier = this.registering.put(new Registration(sessionId, subscriptionId),
					new CompletableFuture<>());
			if (earlier != null) {
				earlier.complete(null);
			}
		});
	}

	/** The broker has registered the subscription: joins behind it may go on. */
	public void registered(String sessionId, @Nullable String subscriptionId) {
		if (subscriptionId != null) {
			CompletableFuture<Void> waiting = this.registering.remove(new Registration(sessionId, subscriptionId));
			if (waiting != null) {
				waiting.complete(null);
			}
		}
	}

	/**
	 * Completes when this instance receives the room's traffic and the broker has
	 * registered every subscription of the session to the room: from then on, every
	 * message of the room reaches the session.
	 */
	public CompletionStage<Void> ready(String sessionId, RoomId room) {
		CompletionStage<Void> live = ready(room);
		Map<String, RoomId> own = this.subscriptions.get(sessionId);
		if (own == null || this.registering.isEmpty()) {
			return live;
		}
		List<CompletableFuture<Void>> waits = new ArrayList<>();
		own.forEach((subscriptionId, subscribed) -> {
			CompletableFuture<Void> waiting = subscribed.equals(room)
					? this.registering.get(new Registration(sessionId, subscriptionId)) : null;
			if (waiting != null) {
				waits.add(waiting);
			}
		});
		if (waits.isEmpty()) {
			return live;
		}
		waits.add(live.toCompletableFuture());
		return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
	}

	/**
	 * Completes when this instance receives the room's traffic, if anyone here listens to
	 * it.
	 */
	public CompletionStage<Void> ready(RoomId room) {
		synchronized (this.attachments) {
			Attachment attachment = this.attachments.get(room);
			return (attachment != null) ? attachment.live(this.relay, room) : CompletableFuture.completedFuture(null);
		}
	}

	/** Sessions with at least one room subscription counted here. */
	public int sessions() {
		return this.subscriptions.size();
	}

	/** Rooms this instance is attached to. */
	public int attachedRooms() {
		synchronized (this.attachments) {
			return this.attachments.size();
		}
	}

	/** Forgets a subscription of the session, if it was a room's. */
	public void unsubscribed(String sessionId, @Nullable String subscriptionId) {
		registered(sessionId, subscriptionId);
		Map<String, RoomId> rooms = this.subscriptions.get(sessionId);
		RoomId room = (rooms != null && subscriptionId != null) ? rooms.remove(subscriptionId) : null;
		if (room != null) {
			release(room);
		}
	}

	@EventListener
	void onUnsubscribe(SessionUnsubscribeEvent event) {
		String sessionId = SessionHeaders.sessionId(event.getMessage());
		if (sessionId != null) {
			unsubscribed(sessionId, SessionHeaders.subscriptionId(event.getMessage()));
		}
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		Map<String, RoomId> rooms = this.subscriptions.remove(event.getSessionId());
		if (rooms != null) {
			rooms.keySet().forEach((subscriptionId) -> registered(event.getSessionId(), subscriptionId));
			rooms.values().forEach(this::release);
		}
	}

	private void retain(RoomId room) {
		synchronized (this.attachments) {
			Attachment attachment = this.attachments.get(room);
			if (attachment == null) {
				attachment = new Attachment(this.relay.attach(room).toCompletableFuture());
				this.attachments.put(room, attachment);
			}
			attachment.count++;
		}
	}

	private void release(RoomId room) {
		synchronized (this.attachments) {
			Attachment attachment = this.attachments.get(room);
			if (attachment != null && --attachment.count == 0) {
				this.attachments.remove(room);
				this.relay.detach(room);
			}
		}
	}

	private static final class Attachment {

		private CompletableFuture<Void> live;

		private int count;

		Attachment(CompletableFuture<Void> live) {
			this.live = live;
		}

		/**
		 * The attachment, tried again when the last try failed (Redis was unreachable):
		 * else the room would stay deaf on this instance, and every later RECEIPT and
		 * join for it fail, long after Redis is back.
		 */
		CompletableFuture<Void> live(RoomRelay relay, RoomId room) {
			if (this.live.isCompletedExceptionally()) {
				this.live = relay.attach(room).toCompletableFuture();
			}
			return this.live;
		}

	}

	private record Registration(String sessionId, String subscriptionId) {
	}

}
