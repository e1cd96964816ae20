package dev.stompbox.room;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopePartsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "none", textBlock = """
			{"text":"hi"}                          | none
			{"ts":0,"note":",\\"ts\\":0"}          | c-42
			[{"ts":0},",\\"ts\\":0"]               | ,"ts":0
			",\\"ts\\":0,\\"clientMsgId\\":\\"x\\"" | "}
			null                                   | é ✓
			""")
	void stampedEnvelopeIsTheEnvelopeSerialized(String body, String clientMsgId) {
		Draft draft = new Draft(RoomId.of("lobby"), "chat", new Sender("alice", "Alice \"A\""), JSON.readTree(body),
				clientMsgId, false);
		Envelope envelope = new Envelope("1732262400123-7", "lobby", "chat", draft.from(), draft.body(), 1732262400123L,
				clientMsgId);

		String stamped = asPublishLuaStampsIt(EnvelopeParts.of(JSON, draft), "1732262400123-7", 1732262400123L);

		assertThat(stamped).isEqualTo(JSON.writeValueAsString(envelope));
		assertThat(JSON.readValue(stamped, Envelope.class)).isEqualTo(envelope);
	}

	/**
	 * {@code publish.lua}: {@code '{"id":"' .. id .. ARGV[2] .. string.format('%d', now)
	 * .. ARGV[3]}.
	 */
	private static String asPublishLuaStampsIt(EnvelopeParts parts, String id, long ts) {
		return "{\"id\":\"" + id + parts.afterId() + ts + parts.afterTs();
	}

}
