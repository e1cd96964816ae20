package dev.stompbox.connection;

import java.nio.charset.StandardCharsets;

/**
 * One message encoded once as a STOMP {@code MESSAGE} frame for every subscriber of its
 * destination: only the {@code subscription} header differs between subscribers, so it is
 * the last header and each subscriber's frame is the shared head, its id and the shared tail.
 */
record MessageFrame(String head, String tail) {

	static MessageFrame of(String destination, String messageId, byte[] json) {
		String head = "MESSAGE\ndestination:" + escape(destination) + "\ncontent-type:application/json\nmessage-id:"
				+ messageId + "\ncontent-length:" + json.length + "\nsubscription:";
		String tail = "\n\n" + new String(json, StandardCharsets.UTF_8) + '\0';
		return new MessageFrame(head, tail);
	}

	String forSubscription(String subscriptionId) {
		return this.head + escape(subscriptionId) + this.tail;
	}

	/** STOMP 1.2 header escaping; ids and destinations rarely need it, so rarely copied. */
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
