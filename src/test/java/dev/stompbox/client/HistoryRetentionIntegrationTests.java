package dev.stompbox.client;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 4.1: recovery when a room keeps fewer messages than a client
 * missed. Its own server, keeping 5 messages a room.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.history.size=" + HistoryRetentionIntegrationTests.KEPT })
class HistoryRetentionIntegrationTests {

	static final int KEPT = 5;

	@LocalServerPort
	int port;

	@OverBothTransports
	void gapLongerThanTheRetentionRecoversWhatIsKeptAndIsNotRecoveredAll(Transport transport) {
		String room = Fixtures.room("trim");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s", transport);
				StompTestClient late = Fixtures.connectNewUser(this.port, "l", transport)) {
			List<String> sent = JoinIntegrationTests.sendMessages(sender, room, 8);
			List<String> kept = sent.subList(3, 8);
			late.subscribe("/topic/rooms/" + room);

			JsonNode tooOld = late.joinSince(room, sent.get(1));
			assertThat(Fixtures.ids(tooOld.path("recovered"))).containsExactlyElementsOf(kept);
			assertThat(tooOld.path("recoveredAll").asBoolean()).isFalse();
			assertThat(tooOld.path("lastId").asString()).isEqualTo(sent.get(7));

			JsonNode justKept = late.joinSince(room, sent.get(2));
			assertThat(Fixtures.ids(justKept.path("recovered"))).containsExactlyElementsOf(kept);
			assertThat(justKept.path("recoveredAll").asBoolean()).isTrue();

			JsonNode recent = late.joinSince(room, sent.get(5));
			assertThat(Fixtures.ids(recent.path("recovered"))).containsExactlyElementsOf(sent.subList(6, 8));
			assertThat(recent.path("recoveredAll").asBoolean()).isTrue();
		}
	}

	/**
	 * A since of {@code 0-0} recovers what the room keeps; that is everything only while
	 * nothing was dropped.
	 */
	@ParameterizedTest(name = "{0} messages sent")
	@ValueSource(ints = { KEPT, KEPT + 1 })
	void sinceZeroRecoversWhatIsKeptAndIsRecoveredAllOnlyWhileNothingWasDropped(int count) {
		String room = Fixtures.room("trim");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s");
				StompTestClient fresh = Fixtures.connectNewUser(this.port, "f")) {
			List<String> sent = JoinIntegrationTests.sendMessages(sender, room, count);
			fresh.subscribe("/topic/rooms/" + room);
			JsonNode ack = fresh.joinSince(room, "0-0");
			assertThat(Fixtures.ids(ack.path("recovered")))
				.containsExactlyElementsOf(sent.subList(count - KEPT, count));
			assertThat(ack.path("recoveredAll").asBoolean()).isEqualTo(count <= KEPT);
		}
	}

	@Test
	void ephemeralMessagesDoNotPushKeptMessagesOut() {
		String room = Fixtures.room("trim");
		try (StompTestClient sender = Fixtures.connectNewUser(this.port, "s");
				StompTestClient late = Fixtures.connectNewUser(this.port, "l")) {
			List<String> sent = JoinIntegrationTests.sendMessages(sender, room, KEPT);
			for (int i = 0; i < 2 * KEPT; i++) {
				sender.send("/app/rooms/" + room + "/messages",
						Map.of("requestId", "e" + i, "ephemeral", true, "type", "typing", "body", i));
				sender.awaitAck("e" + i);
			}
			late.subscribe("/topic/rooms/" + room);
			JsonNode ack = late.joinSince(room, sent.get(0));
			assertThat(Fixtures.ids(ack.path("recovered"))).containsExactlyElementsOf(sent.subList(1, KEPT));
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
		}
	}

}
