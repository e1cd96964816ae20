package dev.stompbox.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SockJS's framing over its websocket transport, as the SockJS client does it: each client
 * message a JSON array of strings, each server message one letter ({@code o} open,
 * {@code h} heart-beat, {@code a} an array of messages, {@code c} close) and for
 * {@code a} and {@code c} a JSON array. The STOMP frames inside are the JSON strings.
 */
final class SockJsFrames {

	/** What a SockJS server message is. */
	enum Kind {

		OPEN, HEARTBEAT, MESSAGES, CLOSE, UNKNOWN

	}

	/** Where the decoded messages of an {@code a} frame go, one call each. */
	interface Messages {

		void message(byte[] a, int off, int len);

	}

	private SockJsFrames() {
	}

	/**
	 * The path of a websocket transport request under the endpoint's base path: a server id
	 * of three digits and a new session id, as the SockJS client makes them.
	 */
	static String websocketPath(String basePath) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String server = String.format("%03d", random.nextInt(1000));
		String session = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
		return basePath + "/" + server + "/" + session + "/websocket";
	}

	/** One client message carrying one STOMP frame: {@code ["<frame as a JSON string>"]}. */
	static byte[] wrap(byte[] frame) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length + 16);
		out.write('[');
		out.write('"');
		for (byte b : frame) {
			int c = b & 0xFF;
			switch (c) {
				case '"' -> out.writeBytes(new byte[] { '\\', '"' });
				case '\\' -> out.writeBytes(new byte[] { '\\', '\\' });
				case '\n' -> out.writeBytes(new byte[] { '\\', 'n' });
				case '\r' -> out.writeBytes(new byte[] { '\\', 'r' });
				case '\t' -> out.writeBytes(new byte[] { '\\', 't' });
				default -> {
					if (c < 0x20) {
						out.writeBytes(Wire.bytes(String.format("\\u%04x", c)));
					}
					else {
						out.write(c);
					}
				}
			}
		}
		out.write('"');
		out.write(']');
		return out.toByteArray();
	}

	static Kind kind(byte[] a, int off, int len) {
		if (len <= 0) {
			return Kind.UNKNOWN;
		}
		return switch (a[off]) {
			case 'o' -> (len == 1) ? Kind.OPEN : Kind.UNKNOWN;
			case 'h' -> (len == 1) ? Kind.HEARTBEAT : Kind.UNKNOWN;
			case 'a' -> Kind.MESSAGES;
			case 'c' -> Kind.CLOSE;
			default -> Kind.UNKNOWN;
		};
	}

	/**
	 * Decodes the JSON array of strings after the {@code a} of an {@code a} frame, handing
	 * each string's UTF-8 bytes to {@code messages}.
	 * @return false when the frame is not an array of strings
	 */
	static boolean unwrap(byte[] a, int off, int len, Messages messages) {
		int end = off + len;
		int p = skipSpaces(a, off + 1, end);
		if (p >= end || a[p] != '[') {
			return false;
		}
		p = skipSpaces(a, p + 1, end);
		if (p < end && a[p] == ']') {
			return true;
		}
		ByteArrayOutputStream decoded = new ByteArrayOutputStream(len);
		while (p < end) {
			if (a[p] != '"') {
				return false;
			}
			decoded.reset();
			p = string(a, p + 1, end, decoded);
			if (p < 0) {
				return false;
			}
			messages.message(decoded.toByteArray(), 0, decoded.size());
			p = skipSpaces(a, p, end);
			if (p < end && a[p] == ']') {
				return true;
			}
			if (p >= end || a[p] != ',') {
				return false;
			}
			p = skipSpaces(a, p + 1, end);
		}
		return false;
	}

	/** Decodes a JSON string's body from {@code from}; the index after its closing quote, or -1. */
	private static int string(byte[] a, int from, int end, ByteArrayOutputStream out) {
		int p = from;
		while (p < end) {
			byte b = a[p++];
			if (b == '"') {
				return p;
			}
			if (b != '\\') {
				out.write(b);
				continue;
			}
			if (p >= end) {
				return -1;
			}
			byte escaped = a[p++];
			switch (escaped) {
				case '"', '\\', '/' -> out.write(escaped);
				case 'b' -> out.write('\b');
				case 'f' -> out.write('\f');
				case 'n' -> out.write('\n');
				case 'r' -> out.write('\r');
				case 't' -> out.write('\t');
				case 'u' -> {
					if (p + 4 > end) {
						return -1;
					}
					int unit = Integer.parseInt(new String(a, p, 4, StandardCharsets.US_ASCII), 16);
					p += 4;
					int codePoint = unit;
					if (Character.isHighSurrogate((char) unit) && p + 6 <= end && a[p] == '\\' && a[p + 1] == 'u') {
						int low = Integer.parseInt(new String(a, p + 2, 4, StandardCharsets.US_ASCII),
								16);
						if (Character.isLowSurrogate((char) low)) {
							codePoint = Character.toCodePoint((char) unit, (char) low);
							p += 6;
						}
					}
					out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
				}
				default -> {
					return -1;
				}
			}
		}
		return -1;
	}

	private static int skipSpaces(byte[] a, int p, int end) {
		while (p < end && (a[p] == ' ' || a[p] == '\n' || a[p] == '\r' || a[p] == '\t')) {
			p++;
		}
		return p;
	}

}
