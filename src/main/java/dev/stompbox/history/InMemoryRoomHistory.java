package dev.stompbox.history;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.room.Draft;
import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomId;

/**
 * Single-node history: a bounded log per room, dropped after the room was idle for the
 * TTL.
 */
public class InMemoryRoomHistory implements RoomHistory {

	private final Map<RoomId, RoomLog> logs = new ConcurrentHashMap<>();

	private final HistoryProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	public InMemoryRoomHistory(HistoryProperties properties, JsonMapper json, Clock clock) {
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Gives the draft the room's next id and keeps it unless it is ephemeral. Callers
	 * serialize calls per room so ids are handed out in delivery order.
	 */
	public Envelope stamp(Draft draft, long now) {
		Envelope[] stamped = new Envelope[1];
		// Issued and stored inside compute, so the idle sweep cannot drop the log in
		// between.
		this.logs.compute(draft.room(), (room, existing) -> {
			RoomLog log = (existing != null) ? existing : new RoomLog(this.properties.size());
			MessageId id = log.issue(now);
			stamped[0] = new Envelope(id.toString(), room.value(), draft.type(), draft.from(), draft.body(), now,
					draft.clientMsgId());
			if (!draft.ephemeral()) {
				log.store(stamped[0], id);
			}
			return log;
		});
		return stamped[0];
	}

	@Override
	public CompletionStage<HistorySlice> after(RoomId room, MessageId since, int limit, int maxBytes) {
		RoomLog log = this.logs.get(room);
		if (log == null) {
			// Nothing is known of this room: a client that saw messages of it saw ones we
			// lost.
			return CompletableFuture
				.completedFuture(new HistorySlice(List.of(), since.equals(MessageId.ZERO), null, false));
		}
		return CompletableFuture.completedFuture(within(log.after(since, limit), maxBytes));
	}

	@Override
	public CompletionStage<HistorySlice> latest(RoomId room) {
		RoomLog log = this.logs.get(room);
		return CompletableFuture
			.completedFuture((log != null) ? log.latest() : new HistorySlice(List.of(), true, null, false));
	}

	/**
	 * The slice cut to the oldest messages whose JSON fits in {@code maxBytes}, the first
	 * always. Measured here, outside the log's lock, which publishing to the room takes.
	 */
	private HistorySlice within(HistorySlice slice, int maxBytes) {
		if (maxBytes == Integer.MAX_VALUE) {
			return slice;
		}
		List<Envelope> fitting = new ArrayList<>(slice.messages().size());
		long bytes = 0;
		for (Envelope envelope : slice.messages()) {
			bytes += this.json.writeValueAsBytes(envelope).length;
			if (!fitting.isEmpty() && bytes > maxBytes) {
				return new HistorySlice(fitting, slice.complete(), slice.lastId(), true);
			}
			fitting.add(envelope);
		}
		return slice;
	}

	/** Drops the logs of rooms idle for longer than the TTL. */
	public void expireIdleRooms() {
		long cutoff = this.clock.millis() - this.properties.ttl().toMillis();
		for (RoomId room : this.logs.keySet()) {
			this.logs.computeIfPresent(room, (key, log) -> log.idleSince(cutoff) ? null : log);
		}
	}

}
