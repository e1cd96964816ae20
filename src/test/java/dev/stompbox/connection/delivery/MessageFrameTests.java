package dev.stompbox.connection.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.web.socket.TextMessage;

import static org.assertj.core.api.Assertions.assertThat;

/** A frame encoded once for all subscribers decodes, for each, as Spring's own would. */
class MessageFrameTests {

	private static final StompDecoder DECODER = new StompDecoder();

	@Test
	void eachSubscriberGetsAFrameWithItsOwnSubscriptionAndTheSharedBody() {
		byte[] json = "{\"id\":\"1-0\",\"body\":{\"text\":\"héllo ✓\"}}".getBytes(StandardCharsets.UTF_8);
		MessageFrame frame = MessageFrame.of("/topic/rooms/lobby", "7", json);

		for (String subscription : List.of("sub-0", "room")) {
			Message<byte[]> decoded = decode(frame.forSubscription(subscription));
			StompHeaderAccessor headers = StompHeaderAccessor.wrap(decoded);
			assertThat(headers.getCommand()).isEqualTo(StompCommand.MESSAGE);
			assertThat(headers.getDestination()).isEqualTo("/topic/rooms/lobby");
			assertThat(headers.getSubscriptionId()).isEqualTo(subscription);
			assertThat(headers.getMessageId()).isEqualTo("7");
			assertThat(headers.getContentLength()).isEqualTo(json.length);
			assertThat(headers.getContentType()).hasToString("application/json");
			assertThat(decoded.getPayload()).isEqualTo(json);
		}
	}

	@Test
	void subscriptionIdsAreEscapedAsStomp12Says() {
		MessageFrame frame = MessageFrame.of("/topic/rooms/lobby", "1", "{}".getBytes(StandardCharsets.UTF_8));
		String odd = "a:b\\c\nd\re";

		assertThat(frame.forSubscription(odd).getPayload()).contains("\nsubscription:a\\cb\\\\c\\nd\\re\n");
		assertThat(StompHeaderAccessor.wrap(decode(frame.forSubscription(odd))).getSubscriptionId()).isEqualTo(odd);
	}

	@Test
	void plainValuesAreNotCopied() {
		String plain = "sub-42";
		assertThat(MessageFrame.escape(plain)).isSameAs(plain);
	}

	private static Message<byte[]> decode(TextMessage frame) {
		assertThat(frame.asBytes()).isEqualTo(frame.getPayload().getBytes(StandardCharsets.UTF_8));
		List<Message<byte[]>> messages = DECODER.decode(java.nio.ByteBuffer.wrap(frame.asBytes()));
		assertThat(messages).hasSize(1);
		return messages.get(0);
	}

}
