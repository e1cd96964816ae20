package dev.stompbox.connection;

import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol-level failures (PROTOCOL.md sections 2 and 5): a frame that is not STOMP, a
 * SEND to a destination prefix clients may not use, a frame before CONNECT and a CONNECT
 * without a token each get one STOMP ERROR frame and the connection is closed. A client
 * connected at the same time notices nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class ProtocolFailureIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@RegisterExtension
	final Bystander bystander = Bystander.inRoomForEachTest("lobby");

	@ParameterizedTest
	@ValueSource(strings = { "/foo/bar", "/topic/rooms/lobby", "/topic/rooms/lobby/presence", "/queue/acks",
			"/user/bystander/queue/acks", "/user/queue/errors", "/application/rooms/lobby/messages" })
	void sendToAnUnknownDestinationPrefixGetsAnErrorFrameAndCloses(String destination) {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			mallory.send(RawFrames.send(destination,
					"{\"type\": \"message\", \"body\": {\"text\": \"spoofed\"}, \"clientMsgId\": \"spoof\"}"));
			mallory.assertRefused("bad-request", CloseStatus.PROTOCOL_ERROR);
		}
		List<JsonNode> before = this.bystander.assertUnaffected();
		assertThat(before).as("spoofed messages in the room").isEmpty();
		assertThat(this.bystander.client().queue("/user/queue/acks")).as("spoofed ACKs").isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "HELLO\n\n\u0000", "random text\nmore random text\u0000", "GET / HTTP/1.1\r\n\r\n\u0000",
			"SEND\nthis header has no colon\n\nbody\u0000", "CONNECT\naccept-version:1.2\n\nno body allowed\u0000",
			"SEND\rdestination:/app/x\n\n\u0000" })
	void frameThatIsNotStompGetsAnErrorFrameAndCloses(String garbage) {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			mallory.send(garbage);
			mallory.assertRefused("bad-request", CloseStatus.PROTOCOL_ERROR);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void garbageAsTheVeryFirstFrameGetsAnErrorFrameAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send("HELLO\n\n\u0000");
			mallory.assertRefused("bad-request", CloseStatus.PROTOCOL_ERROR);
		}
		this.bystander.assertUnaffected();
	}

	static Stream<Arguments> tokensThatAreNotValid() {
		return Stream.of(Arguments.of(Named.of("no token", null)), Arguments.of(Named.of("a forged token",
				TestTokens.builder("mallory").secret("another-secret-that-is-at-least-32-bytes!").sign())));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("tokensThatAreNotValid")
	void connectWithoutAValidTokenGetsUnauthorizedAndClose1008(@Nullable String token) {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send(RawFrames.connect(token, "0,0"));
			mallory.assertRefused("unauthorized", CloseStatus.POLICY_VIOLATION);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void sendBeforeConnectGetsUnauthorizedAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send(RawFrames.send("/app/rooms/lobby/messages", "{\"body\": \"sneaky\"}"));
			mallory.assertRefused("unauthorized", CloseStatus.POLICY_VIOLATION);
		}
		assertThat(this.bystander.assertUnaffected()).as("messages sent before CONNECT").isEmpty();
	}

	@Test
	void subscribeBeforeConnectGetsUnauthorizedAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send(RawFrames.subscribe("s1", "/topic/rooms/lobby", "r1"));
			mallory.assertRefused("unauthorized", CloseStatus.POLICY_VIOLATION);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void sendToTheBareAppPrefixIsAnsweredNotSilentlyDropped() {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			RawFrames.subscribeAndAwaitReceipt(mallory, "errors", "/user/queue/errors");
			mallory.send(RawFrames.send("/app", "{\"requestId\": \"bare\"}"));
			String answer = RawFrames.awaitFrame(mallory, (frame) -> "ERROR".equals(RawFrames.command(frame))
					|| RawFrames.isMessageOn(frame, "/user/queue/errors"), null);
			if ("ERROR".equals(RawFrames.command(answer))) {
				assertThat(RawFrames.header(answer, "message")).isEqualTo("bad-request");
			}
			else {
				assertThat(JSON.readTree(RawFrames.body(answer)).path("destination").asString()).isEqualTo("/app");
			}
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void secondConnectOnTheSameConnectionGetsAnErrorFrameAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			mallory.send(RawFrames.connect(TestTokens.forUser("mallory"), "0,0"));
			mallory.assertRefused("bad-request", CloseStatus.PROTOCOL_ERROR);
		}
		this.bystander.assertUnaffected();
	}

}
