package dev.stompbox.history;

import java.util.concurrent.CompletionStage;

import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomId;

/**
 * The read side of a room's kept messages. Messages are appended by the relay, in the
 * same step that stamps and delivers them.
 */
public interface RoomHistory {

	/**
	 * The oldest kept messages with an id greater than {@code since}, at most
	 * {@code limit}. {@link MessageId#ZERO} asks for everything kept.
	 */
	default CompletionStage<HistorySlice> after(RoomId room, MessageId since, int limit) {
		return after(room, since, limit, Integer.MAX_VALUE);
	}

	/**
	 * The oldest kept messages with an id greater than {@code since}: at most
	 * {@code limit} and at most {@code maxBytes} of envelope JSON, though never none
	 * while any is kept, so that a reader paging with the last id it got always moves on.
	 */
	CompletionStage<HistorySlice> after(RoomId room, MessageId since, int limit, int maxBytes);

	/** The room's newest id and no messages; {@code complete} is meaningless here. */
	CompletionStage<HistorySlice> latest(RoomId room);

}
