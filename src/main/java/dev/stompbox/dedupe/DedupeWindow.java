package dev.stompbox.dedupe;

import java.util.Optional;

import dev.stompbox.room.MessageId;

/** Remembers the id given to each {@link DedupeKey} for the dedupe window. */
public interface DedupeWindow {

	/** The id the first message with this key got, if it is still within the window. */
	Optional<MessageId> firstId(DedupeKey key);

	void remember(DedupeKey key, MessageId id);

}
