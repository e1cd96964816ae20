package dev.stompbox.room;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MessageRequestTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final RoomId LOBBY = RoomId.of("lobby");

	@Test
	void typeDefaultsToMessageAndNothingElseIsSet() {
		MessageRequest request = MessageRequest.from(JSON.readTree("{}"));
		assertThat(request.type()).isEqualTo("message");
		assertThat(request.body().isNull()).isTrue();
		assertThat(request.clientMsgId()).isNull();
		assertThat(request.ephemeral()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"text\": \"hi\"}", "\"text\"", "42", "4.5", "[1, {\"a\": []}]", "true", "null" })
	void bodyIsKeptAsTheJsonValueSent(String body) {
		MessageRequest request = MessageRequest.from(JSON.readTree("{\"body\": " + body + "}"));
		assertThat(request.body()).isEqualTo(JSON.readTree(body));
	}

	@Test
	void senderFieldsInTheRequestAreIgnoredForTheSenderGiven() {
		JsonNode body = JSON.readTree("""
				{"type": "chat", "clientMsgId": "c-1", "ephemeral": true, "body": 1,
				 "from": {"userId": "alice", "name": "Alice"}, "id": "1-0", "ts": 1}""");
		Draft draft = MessageRequest.from(body).draft(LOBBY, new Sender("mallory", "Mallory"));
		assertThat(draft.from()).isEqualTo(new Sender("mallory", "Mallory"));
		assertThat(draft.room()).isEqualTo(LOBBY);
		assertThat(draft.type()).isEqualTo("chat");
		assertThat(draft.clientMsgId()).isEqualTo("c-1");
		assertThat(draft.ephemeral()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"type\": 1}", "{\"type\": \"\"}", "{\"clientMsgId\": 42}", "{\"ephemeral\": \"yes\"}",
			"{\"clientMsgId\": \"\"}" })
	void wronglyTypedFieldsAreABadRequest(String request) {
		assertThatExceptionOfType(StompboxException.class).isThrownBy(() -> MessageRequest.from(JSON.readTree(request)))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_REQUEST));
	}

}
