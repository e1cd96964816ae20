package dev.stompbox.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;

/**
 * One room's id sequence and kept messages in this process. An incarnation starts with
 * the first id it issues: a client whose last id is older than that saw messages of an
 * incarnation that is gone, so its gap cannot be said to be recovered.
 */
final class RoomLog {

	private final ArrayDeque<Envelope> kept = new ArrayDeque<>();

	private final int capacity;

	private @Nullable MessageId firstIssued;

	private MessageId lastIssued = MessageId.ZERO;

	private @Nullable MessageId lastStored;

	private @Nullable MessageId lastDropped;

	private long lastActivity;

	RoomLog(int capacity) {
		this.capacity = capacity;
	}

	synchronized MessageId issue(long now) {
		this.lastIssued = this.lastIssued.next(now);
		if (this.firstIssued == null) {
			this.firstIssued = this.lastIssued;
		}
		this.lastActivity = now;
		return this.lastIssued;
	}

	synchronized void store(Envelope envelope, MessageId id) {
		this.lastStored = id;
		if (this.capacity == 0) {
			this.lastDropped = id;
			return;
		}
		this.kept.addLast(envelope);
		if (this.kept.size() > this.capacity) {
			this.lastDropped = this.kept.removeFirst().messageId();
		}
	}

	synchronized HistorySlice after(MessageId since, int limit) {
		List<Envelope> messages = new ArrayList<>(Math.min(limit, this.kept.size()));
		Iterator<Envelope> newestFirst = this.kept.descendingIterator();
		ArrayDeque<Envelope> newer = new ArrayDeque<>();
		while (newestFirst.hasNext()) {
			Envelope envelope = newestFirst.next();
			if (!envelope.messageId().isAfter(since)) {
				break;
			}
			newer.addFirst(envelope);
		}
		for (Envelope envelope : newer) {
			if (messages.size() == limit) {
				break;
			}
			messages.add(envelope);
		}
		return new HistorySlice(messages, isComplete(since), this.lastStored, newer.size() > messages.size());
	}

	synchronized HistorySlice latest() {
		return new HistorySlice(List.of(), true, this.lastStored, false);
	}

	synchronized boolean idleSince(long cutoff) {
		return this.lastActivity < cutoff;
	}

	private boolean isComplete(MessageId since) {
		if (this.lastDropped != null) {
			return !this.lastDropped.isAfter(since);
		}
		if (since.equals(MessageId.ZERO) || this.firstIssued == null) {
			return true;
		}
		return !this.firstIssued.isAfter(since);
	}

}
