package dev.stompbox.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator's SockJS framing against what a SockJS server sends and takes. */
class SockJsFramesTests {

	@Test
	void aStompFrameIsSentAsOneJsonString() {
		byte[] frame = Wire.stomp("SEND", "{\"a\":\"\\\\x\"}", "destination:/app/rooms/r/join");

		String wrapped = new String(SockJsFrames.wrap(frame), StandardCharsets.UTF_8);

		assertThat(wrapped)
			.isEqualTo("[\"SEND\\ndestination:/app/rooms/r/join\\n\\n{\\\"a\\\":\\\"\\\\\\\\x\\\"}\\u0000\"]");
	}

	@Test
	void anArrayFrameGivesEachStringDecoded() {
		byte[] a = "a[\"MESSAGE\\nsubscription:0\\n\\n{\\\"t\\\":\\\"\\u00e9\\ud83d\\ude00\\\"}\\u0000\",\"RECEIPT\\n\\n\\u0000\"]"
			.getBytes(StandardCharsets.UTF_8);
		List<String> messages = new ArrayList<>();

		boolean read = SockJsFrames.unwrap(a, 0, a.length,
				(bytes, off, len) -> messages.add(new String(bytes, off, len, StandardCharsets.UTF_8)));

		assertThat(read).isTrue();
		assertThat(messages).containsExactly("MESSAGE\nsubscription:0\n\n{\"t\":\"\u00e9\uD83D\uDE00\"}\0",
				"RECEIPT\n\n\0");
	}

	@Test
	void whatWrapSendsUnwrapReadsBack() {
		byte[] frame = "CONNECT\nhost:\u00e9\t\"x\"\\\r\n\n\0".getBytes(StandardCharsets.UTF_8);
		byte[] wrapped = SockJsFrames.wrap(frame);
		byte[] asServerFrame = new byte[wrapped.length + 1];
		asServerFrame[0] = 'a';
		System.arraycopy(wrapped, 0, asServerFrame, 1, wrapped.length);
		List<byte[]> messages = new ArrayList<>();

		SockJsFrames.unwrap(asServerFrame, 0, asServerFrame.length,
				(bytes, off, len) -> messages.add(Arrays.copyOfRange(bytes, off, off + len)));

		assertThat(messages).singleElement().isEqualTo(frame);
	}

	@Test
	void theOtherFramesAreToldApart() {
		assertThat(kind("o")).isEqualTo(SockJsFrames.Kind.OPEN);
		assertThat(kind("h")).isEqualTo(SockJsFrames.Kind.HEARTBEAT);
		assertThat(kind("c[3000,\"Go away!\"]")).isEqualTo(SockJsFrames.Kind.CLOSE);
		assertThat(kind("x")).isEqualTo(SockJsFrames.Kind.UNKNOWN);
		assertThat(kind("")).isEqualTo(SockJsFrames.Kind.UNKNOWN);
	}

	@Test
	void aBrokenArrayIsRefused() {
		byte[] a = "a[\"MESSAGE\\n".getBytes(StandardCharsets.UTF_8);

		assertThat(SockJsFrames.unwrap(a, 0, a.length, (bytes, off, len) -> {
		})).isFalse();
	}

	private static SockJsFrames.Kind kind(String frame) {
		byte[] a = frame.getBytes(StandardCharsets.UTF_8);
		return SockJsFrames.kind(a, 0, a.length);
	}

}
