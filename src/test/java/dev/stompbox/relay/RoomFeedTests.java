package dev.stompbox.relay;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading an envelope's ts from the bytes the publish script built, for the delivery lag.
 */
class RoomFeedTests {

	@Test
	void tsIsReadFromTheEnvelope() {
		assertThat(RoomFeed.tsOf(envelope("{\"text\":\"hi\"}", null))).isEqualTo(1767225600123L);
	}

	@Test
	void tsIsReadPastAClientMsgId() {
		assertThat(RoomFeed.tsOf(envelope("{\"text\":\"hi\"}", "\\\",\\\"ts\\\":5"))).isEqualTo(1767225600123L);
	}

	@Test
	void aTsInTheBodyIsNotTheEnvelopes() {
		assertThat(RoomFeed.tsOf(envelope("{\"a\":1,\"ts\":42,\"b\":[{\"x\":0,\"ts\":7}]}", "c-1")))
			.isEqualTo(1767225600123L);
	}

	@Test
	void withoutTsThereIsNone() {
		assertThat(RoomFeed.tsOf("{\"id\":\"1-0\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
		assertThat(RoomFeed.tsOf("{\"id\":\"1-0\",\"ts\":}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
		assertThat(RoomFeed.tsOf(new byte[0])).isEqualTo(-1);
	}

	/** As {@code publish.lua} builds it, the clientMsgId already JSON-escaped. */
	private static byte[] envelope(String body, String clientMsgId) {
		String json = "{\"id\":\"1767225600123-0\",\"roomId\":\"lobby\",\"type\":\"message\",\"from\":{\"userId\":\"a\"},"
				+ "\"body\":" + body + ",\"ts\":1767225600123"
				+ ((clientMsgId != null) ? ",\"clientMsgId\":\"" + clientMsgId + "\"}" : "}");
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
