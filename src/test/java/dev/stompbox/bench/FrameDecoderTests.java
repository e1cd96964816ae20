package dev.stompbox.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator reads every message whatever way the bytes are split into reads and
 * frames.
 */
class FrameDecoderTests {

	@Test
	void messagesSurviveEverySplitIntoReads() {
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		List<String> sent = List.of("MESSAGE\nsubscription:0\n\n{\"id\":\"1-0\"}\0", "\n", "x".repeat(300),
				"y".repeat(70_000), "RECEIPT\nreceipt-id:s1\n\n\0");
		sent.forEach((message) -> wire.writeBytes(serverFrame(0x1, true, message.getBytes(StandardCharsets.UTF_8))));
		// one message in three fragments, a ping between two of them
		wire.writeBytes(serverFrame(0x1, false, bytes("frag")));
		wire.writeBytes(serverFrame(0x0, false, bytes("ment")));
		wire.writeBytes(serverFrame(0x9, true, bytes("p")));
		wire.writeBytes(serverFrame(0x0, true, bytes("ed")));
		byte[] all = wire.toByteArray();
		List<String> expected = new ArrayList<>(sent);
		expected.add("fragmented");

		for (int chunk : new int[] { 1, 2, 3, 7, 125, 126, 127, 4096, all.length }) {
			FrameDecoder decoder = new FrameDecoder(1 << 20);
			Collected collected = new Collected();
			for (int off = 0; off < all.length; off += chunk) {
				byte[] read = new byte[Math.min(chunk, all.length - off)];
				System.arraycopy(all, off, read, 0, read.length);
				decoder.feed(read, 0, read.length, collected);
			}
			assertThat(collected.messages).as("reads of %d bytes", chunk).isEqualTo(expected);
			assertThat(collected.pings).isEqualTo(1);
		}
	}

	@Test
	void closeFrameCarriesItsCode() {
		Collected collected = new Collected();
		new FrameDecoder(1024).feed(serverFrame(0x8, true, new byte[] { 0x03, (byte) 0xF1 }), 0, 4, collected);
		assertThat(collected.closeCode).isEqualTo(1009);
	}

	@Test
	void jsonMembersAreFoundByKeyNotByValue() {
		byte[] json = bytes("{\"type\":\"type\",\"ok\" : true,\"body\":{\"seq\":42,\"t\":1732262400123456}}");
		assertThat(Wire.stringValue(json, 0, json.length, bytes("\"type\""))).isEqualTo("type");
		int body = Wire.valueOf(json, 0, json.length, bytes("\"body\""));
		assertThat(Wire.longValue(json, body, json.length, bytes("\"seq\""))).isEqualTo(42);
		assertThat(Wire.longValue(json, body, json.length, bytes("\"t\""))).isEqualTo(1732262400123456L);
		assertThat(Wire.valueOf(json, 0, json.length, bytes("\"ok\""))).isPositive();
		assertThat(Wire.valueOf(json, 0, json.length, bytes("\"missing\""))).isEqualTo(-1);
	}

	@Test
	void numbersAreWrittenAsDigits() {
		byte[] out = new byte[32];
		for (long value : new long[] { 0, 7, 10, 1234567890123456789L }) {
			int end = Wire.putLong(out, 0, value);
			assertThat(new String(out, 0, end, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** An unmasked frame, as a server sends it. */
	static byte[] serverFrame(int opcode, boolean fin, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			frame.write(payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			frame.write(127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (((long) payload.length >>> shift) & 0xff));
			}
		}
		frame.writeBytes(payload);
		return frame.toByteArray();
	}

	private static final class Collected implements FrameDecoder.Sink {

		final List<String> messages = new ArrayList<>();

		int pings;

		int closeCode;

		@Override
		public void message(byte[] a, int off, int len) {
			this.messages.add(new String(a, off, len, StandardCharsets.UTF_8));
		}

		@Override
		public void ping(byte[] a, int off, int len) {
			this.pings++;
		}

		@Override
		public void closeFrame(int code) {
			this.closeCode = code;
		}

	}

}
