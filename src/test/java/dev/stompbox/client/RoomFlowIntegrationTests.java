package dev.stompbox.client;

import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class RoomFlowIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void messageSentByOneMemberReachesEveryMemberWithServerStampedEnvelope() {
		try (StompTestClient alice = StompTestClient.connect(this.port,
				TestTokens.builder("alice").name("Alice").sign());
				StompTestClient bob = StompTestClient.connect(this.port, TestTokens.forUser("bob"))) {
			BlockingQueue<Received> aliceRoom = alice.subscribeAndJoin("lobby");
			BlockingQueue<Received> bobRoom = bob.subscribeAndJoin("lobby");
			alice.send("/app/rooms/lobby/messages",
					Map.of("requestId", "s1", "clientMsgId", "c-1", "body", Map.of("text", "hi")));
			JsonNode ack = alice.awaitAck("s1");
			assertThat(ack.path("ok").asBoolean()).isTrue();
			JsonNode atBob = StompTestClient.awaitOn(bobRoom, (m) -> true, "bob's room");
			JsonNode atAlice = StompTestClient.awaitOn(aliceRoom, (m) -> true, "alice's room");
			assertThat(atBob).isEqualTo(atAlice);
			assertThat(atBob.path("id").asString()).isEqualTo(ack.path("id").asString());
			assertThat(atBob.path("from").path("userId").asString()).isEqualTo("alice");
			assertThat(atBob.path("from").path("name").asString()).isEqualTo("Alice");
			assertThat(atBob.path("type").asString()).isEqualTo("message");
			assertThat(atBob.path("body").path("text").asString()).isEqualTo("hi");
			assertThat(atBob.path("clientMsgId").asString()).isEqualTo("c-1");
		}
	}

}
