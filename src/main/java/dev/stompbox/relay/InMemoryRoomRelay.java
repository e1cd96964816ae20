package dev.stompbox.relay;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.dedupe.DedupeKey;
import dev.stompbox.dedupe.DedupeWindow;
import dev.stompbox.history.InMemoryRoomHistory;
import dev.stompbox.instance.Mode;
import dev.stompbox.metrics.RelayPublishTimer;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.room.Draft;
import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.room.RoomId;

/**
 * The single-node relay: dedupe, stamping, history and local delivery happen under one
 * per-room lock, so delivery order, history order and id order agree.
 */
public class InMemoryRoomRelay implements RoomRelay {

	private static final int LOCK_STRIPES = 64;

	private final Object[] locks = new Object[LOCK_STRIPES];

	private final InMemoryRoomHistory history;

	private final DedupeWindow dedupe;

	private final LocalDelivery delivery;

	private final JsonMapper json;

	private final Clock clock;

	private final StompboxMetrics metrics;

	private final RelayPublishTimer publishTimer;

	public InMemoryRoomRelay(InMemoryRoomHistory history, DedupeWindow dedupe, LocalDelivery delivery, JsonMapper json,
			Clock clock, StompboxMetrics metrics) {
		this.history = history;
		this.dedupe = dedupe;
		this.delivery = delivery;
		this.json = json;
		this.clock = clock;
		this.metrics = metrics;
		this.publishTimer = metrics.relayPublish(Mode.SINGLE_NODE);
		for (int i = 0; i < LOCK_STRIPES; i++) {
			this.locks[i] = new Object();
		}
	}

	@Override
	public CompletionStage<Publication> publish(Draft draft) {
		return this.publishTimer.time(() -> publishNow(draft), Publication::duplicate);
	}

	private CompletionStage<Publication> publishNow(Draft draft) {
		DedupeKey key = (draft.clientMsgId() != null)
				? new DedupeKey(draft.from().userId(), draft.room(), draft.clientMsgId()) : null;
		synchronized (lockFor(draft.room())) {
			if (key != null) {
				Optional<MessageId> first = this.dedupe.firstId(key);
				if (first.isPresent()) {
					return CompletableFuture.completedFuture(new Publication(first.get(), true));
				}
			}
			Envelope envelope = this.history.stamp(draft, this.clock.millis());
			if (key != null) {
				this.dedupe.remember(key, envelope.messageId());
			}
			this.metrics.relayLag(this.clock.millis() - envelope.ts());
			this.delivery.deliver(RoomDestinations.messages(draft.room()), this.json.writeValueAsBytes(envelope));
			return CompletableFuture.completedFuture(new Publication(envelope.messageId(), false));
		}
	}

	@Override
	public CompletionStage<Void> publishPresence(RoomId room, byte[] json) {
		this.delivery.deliver(RoomDestinations.presence(room), json);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletionStage<Void> attach(RoomId room) {
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public void detach(RoomId room) {
	}

	private Object lockFor(RoomId room) {
		return this.locks[Math.floorMod(room.hashCode(), LOCK_STRIPES)];
	}

}
