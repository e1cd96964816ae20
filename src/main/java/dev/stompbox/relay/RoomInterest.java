package dev.stompbox.relay;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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

	private final SessionGate sessions;

	RoomInterest(RoomRelay relay, SessionGate sessions) {
		this.relay = relay;
		this.sessions = sessions;
	}

	/**
	 * Records a room subscription that the broker has registered. Completes when the
	 * room's traffic from every instance reaches this one. A session that has ended is
	 * not counted: its disconnect may have been handled already, and nothing would
	 * release the room.
	 */
	public CompletionStage<Void> subscribed(String sessionId, String subscriptionId, RoomId room) {
		@SuppressWarnings("unchecked")
		CompletionStage<Void>[] live = new CompletionStage[1];
		boolean open = this.sessions.whileOpen(sessionId, () -> {
			RoomId previous = this.subscriptions.computeIfAbsent(sessionId, (id) -> new ConcurrentHashMap<>())
				.put(subscriptionId, room);
			if (previous != null) {
				release(previous);
			}
			live[0] = retain(room);
		});
		return open ? live[0] : CompletableFuture.completedFuture(null);
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

	@EventListener
	void onUnsubscribe(SessionUnsubscribeEvent event) {
		String sessionId = SessionHeaders.sessionId(event.getMessage());
		String subscriptionId = SessionHeaders.subscriptionId(event.getMessage());
		Map<String, RoomId> rooms = (sessionId != null) ? this.subscriptions.get(sessionId) : null;
		RoomId room = (rooms != null && subscriptionId != null) ? rooms.remove(subscriptionId) : null;
		if (room != null) {
			release(room);
		}
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		Map<String, RoomId> rooms = this.subscriptions.remove(event.getSessionId());
		if (rooms != null) {
			rooms.values().forEach(this::release);
		}
	}

	private CompletionStage<Void> retain(RoomId room) {
		synchronized (this.attachments) {
			Attachment attachment = this.attachments.get(room);
			if (attachment == null) {
				attachment = new Attachment(this.relay.attach(room).toCompletableFuture());
				this.attachments.put(room, attachment);
			}
			attachment.count++;
			return attachment.live(this.relay, room);
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

}
