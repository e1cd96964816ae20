package dev.stompbox.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bytes on the wire: STOMP frames in masked WebSocket text frames going out, and the few
 * byte searches the inbound side needs to read a frame without decoding it to a string.
 */
final class Wire {

	/** Largest WebSocket header a client frame needs: 2 + 8 length bytes + 4 mask bytes. */
	static final int MAX_HEADER = 14;

	static final int OP_CONTINUATION = 0x0;

	static final int OP_TEXT = 0x1;

	static final int OP_BINARY = 0x2;

	static final int OP_CLOSE = 0x8;

	static final int OP_PING = 0x9;

	static final int OP_PONG = 0xA;

	private Wire() {
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** A STOMP frame: command, {@code name:value} header lines, blank line, body, NUL. */
	static byte[] stomp(String command, String body, String... headers) {
		StringBuilder frame = new StringBuilder(command).append('\n');
		for (String header : headers) {
			frame.append(header).append('\n');
		}
		return bytes(frame.append('\n').append(body).append('\0').toString());
	}

	/** A masked client frame with a fresh random mask, ready to write. */
	static ByteBuffer frame(int opcode, byte[] payload) {
		ByteBuffer out = ByteBuffer.allocate(payload.length + MAX_HEADER);
		put(out, opcode, payload, 0, payload.length);
		return out.flip();
	}

	static ByteBuffer text(byte[] payload) {
		return frame(OP_TEXT, payload);
	}

	/** Writes a final, masked client frame of {@code payload[off, off + len)} into {@code out}. */
	static void put(ByteBuffer out, int opcode, byte[] payload, int off, int len) {
		out.put((byte) (0x80 | opcode));
		if (len < 126) {
			out.put((byte) (0x80 | len));
		}
		else if (len < 65536) {
			out.put((byte) (0x80 | 126));
			out.putShort((short) len);
		}
		else {
			out.put((byte) (0x80 | 127));
			out.putLong(len);
		}
		int mask = ThreadLocalRandom.current().nextInt();
		out.putInt(mask);
		byte m0 = (byte) (mask >>> 24);
		byte m1 = (byte) (mask >>> 16);
		byte m2 = (byte) (mask >>> 8);
		byte m3 = (byte) mask;
		int i = 0;
		for (; i + 4 <= len; i += 4) {
			out.put((byte) (payload[off + i] ^ m0));
			out.put((byte) (payload[off + i + 1] ^ m1));
			out.put((byte) (payload[off + i + 2] ^ m2));
			out.put((byte) (payload[off + i + 3] ^ m3));
		}
		for (; i < len; i++) {
			byte m = switch (i & 3) {
				case 0 -> m0;
				case 1 -> m1;
				case 2 -> m2;
				default -> m3;
			};
			out.put((byte) (payload[off + i] ^ m));
		}
	}

	/** Writes the decimal digits of a non-negative value at {@code pos}; returns the position after. */
	static int putLong(byte[] a, int pos, long value) {
		if (value == 0) {
			a[pos] = '0';
			return pos + 1;
		}
		int digits = 0;
		for (long v = value; v > 0; v /= 10) {
			digits++;
		}
		int end = pos + digits;
		for (int i = end - 1; value > 0; i--) {
			a[i] = (byte) ('0' + (value % 10));
			value /= 10;
		}
		return end;
	}

	static int put(byte[] a, int pos, byte[] bytes) {
		System.arraycopy(bytes, 0, a, pos, bytes.length);
		return pos + bytes.length;
	}

	static int indexOf(byte[] a, int from, int to, byte b) {
		for (int i = from; i < to; i++) {
			if (a[i] == b) {
				return i;
			}
		}
		return -1;
	}

	static int indexOf(byte[] a, int from, int to, byte[] pattern) {
		int last = to - pattern.length;
		byte first = pattern[0];
		outer: for (int i = from; i <= last; i++) {
			if (a[i] != first) {
				continue;
			}
			for (int j = 1; j < pattern.length; j++) {
				if (a[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	static boolean startsWith(byte[] a, int from, int to, byte[] prefix) {
		if (to - from < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (a[from + i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Where the value of a JSON member starts: the index after {@code "key":} and any spaces,
	 * or -1. {@code quotedKey} includes the quotes. Good enough for the flat, compact JSON the
	 * server writes; a string value equal to the key is skipped because no colon follows it.
	 */
	static int valueOf(byte[] a, int from, int to, byte[] quotedKey) {
		int i = from;
		while (true) {
			int at = indexOf(a, i, to, quotedKey);
			if (at < 0) {
				return -1;
			}
			int p = skipSpaces(a, at + quotedKey.length, to);
			if (p < to && a[p] == ':') {
				return skipSpaces(a, p + 1, to);
			}
			i = at + 1;
		}
	}

	private static int skipSpaces(byte[] a, int p, int to) {
		while (p < to && (a[p] == ' ' || a[p] == '\n' || a[p] == '\r' || a[p] == '\t')) {
			p++;
		}
		return p;
	}

	/** The end of the run of ASCII digits starting at {@code from}. */
	static int digitsEnd(byte[] a, int from, int to) {
		int i = from;
		while (i < to && a[i] >= '0' && a[i] <= '9') {
			i++;
		}
		return i;
	}

	/** A non-negative decimal in {@code a[from, end)}, or -1 when there are no digits. */
	static long parseDigits(byte[] a, int from, int end) {
		if (end <= from || end - from > 18) {
			return -1;
		}
		long value = 0;
		for (int i = from; i < end; i++) {
			value = value * 10 + (a[i] - '0');
		}
		return value;
	}

	/** A non-negative number member of a JSON object, or -1. */
	static long longValue(byte[] a, int from, int to, byte[] quotedKey) {
		int v = valueOf(a, from, to, quotedKey);
		return (v < 0) ? -1 : parseDigits(a, v, digitsEnd(a, v, to));
	}

	/** A string member of a JSON object (escapes are not undone), or {@code null}. */
	static String stringValue(byte[] a, int from, int to, byte[] quotedKey) {
		int v = valueOf(a, from, to, quotedKey);
		if (v < 0 || v >= to || a[v] != '"') {
			return null;
		}
		int end = indexOf(a, v + 1, to, (byte) '"');
		return (end < 0) ? null : new String(a, v + 1, end - v - 1, StandardCharsets.UTF_8);
	}

}
