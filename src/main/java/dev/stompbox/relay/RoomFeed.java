package dev.stompbox.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.stompbox.room.MessageId;

/**
 * One attached room's stream of messages into this instance, in id order and without
 * gaps: after Redis pub/sub was interrupted, what the room's history kept in between is
 * read and delivered first, live messages wait behind it, and nothing is delivered twice.
 */
final class RoomFeed {

	/** Every envelope the publish script builds starts so. */
	private static final byte[] ID_PREFIX = "{\"id\":\"".getBytes(StandardCharsets.UTF_8);

	/**
	 * The envelope's own ts: the last field of this name, since the body comes before it.
	 */
	private static final byte[] TS_FIELD = ",\"ts\":".getBytes(StandardCharsets.UTF_8);

	private final Sink sink;

	private final MessageId attachedAt;

	private @Nullable MessageId lastDelivered;

	private @Nullable List<byte[]> held;

	RoomFeed(Sink sink, long attachedAtMillis) {
		this.sink = sink;
		this.attachedAt = new MessageId(Math.max(0, attachedAtMillis), 0);
	}

	/** A live message from the room's channel. */
	synchronized void live(byte[] envelope) {
		if (this.held != null) {
			this.held.add(envelope);
			return;
		}
		deliverIfNew(envelope);
	}

	/**
	 * The id after which messages may have been missed; live ones are held until
	 * {@link #caughtUp}.
	 */
	synchronized MessageId catchUpFrom() {
		if (this.held == null) {
			this.held = new ArrayList<>();
		}
		return (this.lastDelivered != null) ? this.lastDelivered : this.attachedAt;
	}

	/**
	 * Delivers what history kept after the gap, then the live messages held meanwhile.
	 */
	synchronized void caughtUp(List<byte[]> kept) {
		kept.forEach(this::deliverIfNew);
		List<byte[]> waiting = (this.held != null) ? this.held : List.of();
		this.held = null;
		waiting.forEach(this::deliverIfNew);
	}

	private void deliverIfNew(byte[] envelope) {
		MessageId id = idOf(envelope);
		if (id != null && this.lastDelivered != null && !id.isAfter(this.lastDelivered)) {
			return;
		}
		if (id != null) {
			this.lastDelivered = id;
		}
		this.sink.deliver(envelope);
	}

	static @Nullable MessageId idOf(byte[] envelope) {
		if (envelope.length <= ID_PREFIX.length) {
			return null;
		}
		for (int i = 0; i < ID_PREFIX.length; i++) {
			if (envelope[i] != ID_PREFIX[i]) {
				return null;
			}
		}
		int end = ID_PREFIX.length;
		while (end < envelope.length && envelope[end] != '"') {
			end++;
		}
		return MessageId
			.parse(new String(envelope, ID_PREFIX.length, end - ID_PREFIX.length, StandardCharsets.US_ASCII));
	}

	/**
	 * The {@code ts} of an envelope the publish script built, read without parsing the
	 * JSON; {@code -1} when it has none. Searched from the end: only the clientMsgId, a
	 * JSON string, follows the envelope's ts, and no string holds {@code ,"} unescaped,
	 * so the last match is the envelope's, whatever keys the body has.
	 */
	static long tsOf(byte[] envelope) {
		for (int start = envelope.length - TS_FIELD.length; start >= 0; start--) {
			if (matchesAt(envelope, start, TS_FIELD)) {
				int digit = start + TS_FIELD.length;
				long ts = 0;
				int digits = 0;
				// A time in milliseconds has 13 digits; 18 cannot overflow a long.
				while (digit < envelope.length && envelope[digit] >= '0' && envelope[digit] <= '9' && digits < 18) {
					ts = ts * 10 + (envelope[digit++] - '0');
					digits++;
				}
				return (digits > 0) ? ts : -1;
			}
		}
		return -1;
	}

	private static boolean matchesAt(byte[] bytes, int start, byte[] expected) {
		for (int i = 0; i < expected.length; i++) {
			if (bytes[start + i] != expected[i]) {
				return false;
			}
		}
		return true;
	}

	@FunctionalInterface
	interface Sink {

		void deliver(byte[] envelope);

	}

}
