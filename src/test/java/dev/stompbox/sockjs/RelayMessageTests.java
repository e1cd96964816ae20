package dev.stompbox.sockjs;

import org.junit.jupiter.api.Test;

import dev.stompbox.sockjs.RelayMessage.Credentials;
import dev.stompbox.sockjs.RelayMessage.Reply;

import static org.assertj.core.api.Assertions.assertThat;

class RelayMessageTests {

	@Test
	void everyKindSurvivesItsEncodingWithAbsentFieldsAndAwkwardText() {
		Credentials none = new Credentials(null, null);
		Credentials some = new Credentials("ab12", "user:with:colons\nand a newline");
		String body = "[\"SEND\\ndestination:/app/x\\n\\n12:34-:\\u0000\"] ünïcødé 😀";
		RelayMessage[] messages = { new RelayMessage.Send("1", "node-0", "s1", some, body),
				new RelayMessage.Send("2", "node-0", "s1", none, ""),
				new RelayMessage.Receive("3", "node-1", "s2", "xhr_streaming", some),
				new RelayMessage.Detach("4", "node-1", "s2", true),
				new RelayMessage.Refuse("5", "node-1", "s2", none, "too big"),
				Reply.status("6", "node-0", "s1", 404, ""), Reply.bytes("7", "node-0", "s1", body),
				Reply.end("8", "node-0", "s1") };
		for (RelayMessage message : messages) {
			assertThat(RelayMessage.decode(message.encode())).isEqualTo(message);
		}
	}

}
