package dev.stompbox.room;

import java.util.Comparator;

import dev.stompbox.error.ErrorCode;

/**
 * A message id in the Redis stream format {@code <millis>-<seq>}, ordered by
 * {@code (millis, seq)}.
 */
public record MessageId(long millis, long seq) implements Comparable<MessageId> {

	/** The id before every message: {@code since: "0-0"} asks for everything kept. */
	public static final MessageId ZERO = new MessageId(0, 0);

	private static final Comparator<MessageId> ORDER = Comparator.comparingLong(MessageId::millis)
		.thenComparingLong(MessageId::seq);

	public MessageId {
		if (millis < 0 || seq < 0) {
			throw ErrorCode.BAD_REQUEST.exception("Message id parts must not be negative");
		}
	}

	public static MessageId parse(String text) {
		int dash = (text != null) ? text.indexOf('-') : -1;
		if (dash <= 0 || dash == text.length() - 1) {
			throw ErrorCode.BAD_REQUEST.exception("Message id must look like <millis>-<seq>");
		}
		try {
			return new MessageId(Long.parseLong(text, 0, dash, 10), Long.parseLong(text, dash + 1, text.length(), 10));
		}
		catch (NumberFormatException ex) {
			throw ErrorCode.BAD_REQUEST.exception("Message id must look like <millis>-<seq>");
		}
	}

	/** The smallest id after this one that a clock reading of {@code now} allows. */
	public MessageId next(long now) {
		return (now > this.millis) ? new MessageId(now, 0) : new MessageId(this.millis, this.seq + 1);
	}

	public boolean isAfter(MessageId other) {
		return compareTo(other) > 0;
	}

	@Override
	public int compareTo(MessageId other) {
		return ORDER.compare(this, other);
	}

	@Override
	public String toString() {
		return this.millis + "-" + this.seq;
	}

}
