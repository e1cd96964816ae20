package dev.stompbox.bench;

import java.util.Arrays;

/**
 * Splits what a server sends into WebSocket messages. A frame can straddle reads and a
 * message can span frames; only then are bytes copied, into buffers kept per connection
 * and dropped again when large, so an idle connection holds none.
 */
final class FrameDecoder {

	/** Where decoded messages and control frames go. Arrays passed in are only valid during the call. */
	interface Sink {

		void message(byte[] a, int off, int len);

		void ping(byte[] a, int off, int len);

		void closeFrame(int code);

	}

	private static final int KEEP = 16 * 1024;

	private final int maxMessage;

	private byte[] carry;

	private int carryLen;

	private byte[] fragments;

	private int fragmentsLen;

	FrameDecoder(int maxMessage) {
		this.maxMessage = maxMessage;
	}

	void reset() {
		this.carry = null;
		this.carryLen = 0;
		this.fragments = null;
		this.fragmentsLen = 0;
	}

	void feed(byte[] a, int off, int len, Sink sink) {
		if (this.carryLen == 0) {
			int used = decode(a, off, len, sink);
			if (used < len) {
				this.carry = grow(this.carry, len - used);
				System.arraycopy(a, off + used, this.carry, 0, len - used);
				this.carryLen = len - used;
			}
			return;
		}
		this.carry = grow(this.carry, this.carryLen + len);
		System.arraycopy(a, off, this.carry, this.carryLen, len);
		this.carryLen += len;
		byte[] buffer = this.carry;
		int used = decode(buffer, 0, this.carryLen, sink);
		if (buffer != this.carry) {
			return; // reset by the sink (the connection closed)
		}
		System.arraycopy(buffer, used, buffer, 0, this.carryLen - used);
		this.carryLen -= used;
		if (this.carryLen == 0 && buffer.length > KEEP) {
			this.carry = null;
		}
	}

	/** Decodes the complete frames at the start of {@code a[off, off + len)}; returns the bytes used. */
	private int decode(byte[] a, int off, int len, Sink sink) {
		int p = off;
		int end = off + len;
		while (end - p >= 2) {
			int b0 = a[p] & 0xff;
			int b1 = a[p + 1] & 0xff;
			boolean fin = (b0 & 0x80) != 0;
			int opcode = b0 & 0x0f;
			long length = b1 & 0x7f;
			int header = 2;
			if (length == 126) {
				if (end - p < 4) {
					break;
				}
				length = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
				header = 4;
			}
			else if (length == 127) {
				if (end - p < 10) {
					break;
				}
				length = 0;
				for (int i = 0; i < 8; i++) {
					length = (length << 8) | (a[p + 2 + i] & 0xff);
				}
				header = 10;
			}
			boolean masked = (b1 & 0x80) != 0;
			if (masked) {
				header += 4;
			}
			if (length > this.maxMessage) {
				throw new IllegalStateException("frame of " + length + " bytes");
			}
			if (end - p < header + length) {
				break;
			}
			int start = p + header;
			int size = (int) length;
			if (masked) {
				for (int i = 0; i < size; i++) {
					a[start + i] ^= a[start - 4 + (i & 3)];
				}
			}
			p = start + size;
			switch (opcode) {
				case Wire.OP_TEXT, Wire.OP_BINARY -> {
					if (fin) {
						sink.message(a, start, size);
					}
					else {
						this.fragmentsLen = 0;
						appendFragment(a, start, size);
					}
				}
				case Wire.OP_CONTINUATION -> {
					appendFragment(a, start, size);
					if (fin) {
						byte[] message = this.fragments;
						int messageLen = this.fragmentsLen;
						this.fragmentsLen = 0;
						if (message.length > KEEP) {
							this.fragments = null;
						}
						sink.message(message, 0, messageLen);
					}
				}
				case Wire.OP_CLOSE -> {
					sink.closeFrame((size >= 2) ? ((a[start] & 0xff) << 8) | (a[start + 1] & 0xff) : 1005);
					return p - off;
				}
				case Wire.OP_PING -> sink.ping(a, start, size);
				default -> {
					// pong and reserved opcodes: nothing to do
				}
			}
		}
		return p - off;
	}

	private void appendFragment(byte[] a, int off, int len) {
		if (this.fragmentsLen + len > this.maxMessage) {
			throw new IllegalStateException("message over " + this.maxMessage + " bytes");
		}
		this.fragments = grow(this.fragments, this.fragmentsLen + len);
		System.arraycopy(a, off, this.fragments, this.fragmentsLen, len);
		this.fragmentsLen += len;
	}

	private static byte[] grow(byte[] buffer, int needed) {
		if (buffer != null && buffer.length >= needed) {
			return buffer;
		}
		int size = Math.max(needed, (buffer == null) ? 512 : buffer.length * 2);
		return (buffer == null) ? new byte[size] : Arrays.copyOf(buffer, size);
	}

}
