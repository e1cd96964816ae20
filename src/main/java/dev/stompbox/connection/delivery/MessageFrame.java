package dev.stompbox.connection.delivery;

import java.nio.charset.StandardCharsets;

import org.springframework.web.socket.TextMessage;

/**
 * One message encoded once as a STOMP {@code MESSAGE} frame for every subscriber of its
 * destination: only the {@code subscription} header differs between subscribers, so it is
 * the last header and each subscriber's frame is the shared head, its id and the shared
 * tail, already in UTF-8, so the container writes the bytes as they are.
 */
final class MessageFrame {

	private final byte[] head;

	private final byte[] tail;

	private MessageFrame(byte[] head, byte[] tail) {
		this.head = head;
		this.tail = tail;
	}

	static MessageFrame of(String destination, String messageId, byte[] json) {
		String head = "MESSAGE\ndestination:" + escape(destination) + "\ncontent-type:application/json\nmessage-id:"
				+ messageId + "\ncontent-length:" + json.length + "\nsubscription:";
		// The last byte stays 0: STOMP's end of frame.
		byte[] tail = new byte[json.length + 3];
		tail[0] = '\n';
		tail[1] = '\n';
		System.arraycopy(json, 0, tail, 2, json.length);
		return new MessageFrame(head.getBytes(StandardCharsets.UTF_8), tail);
	}

	/**
	 * The frame for one subscription. Subscribers with equal ids may share it: STOMP.js
	 * numbers each connection's subscriptions {@code sub-0}, {@code sub-1}, and so on, so
	 * most subscribers of a room use the same id.
	 */
	TextMessage forSubscription(String subscriptionId) {
		byte[] id = escape(subscriptionId).getBytes(StandardCharsets.UTF_8);
		byte[] frame = new byte[this.head.length + id.length + this.tail.length];
		System.arraycopy(this.head, 0, frame, 0, this.head.length);
		System.arraycopy(id, 0, frame, this.head.length, id.length);
		System.arraycopy(this.tail, 0, frame, this.head.length + id.length, this.tail.length);
		return new TextMessage(frame);
	}

	/**
	 * STOMP 1.2 header escaping; ids and destinations rarely need it, so rarely copied.
	 */
	static String escape(String value) {
		int i = 0;
		while (i < value.length() && !needsEscape(value.charAt(i))) {
			i++;
		}
		if (i == value.length()) {
			return value;
		}
		StringBuilder escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
		for (; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '\\' -> escaped.append("\\\\");
				case ':' -> escaped.append("\\c");
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static boolean needsEscape(char c) {
		return c == '\\' || c == ':' || c == '\n' || c == '\r';
	}

}
