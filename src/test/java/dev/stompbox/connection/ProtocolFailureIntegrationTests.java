package dev.stompbox.connection;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	private Bystander bystander;

	@BeforeEach
	void connectBystander() {
		this.bystander = Bystander.inRoom(this.port, "lobby");
	}

	@AfterEach
	void disconnectBystander() {
		this.bystander.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/foo/bar", "/topic/rooms/lobby", "/topic/rooms/lobby/presence", "/queue/acks",
			"/user/bystander/queue/acks", "/user/queue/errors", "/application/rooms/lobby/messages" })
	void sendToAnUnknownDestinationPrefixGetsAnErrorFrameAndCloses(String destination) {
		try (RawStompSocket mallory = connected("mallory")) {
			mallory.send(RawFrames.send(destination,
					"{\"type\": \"message\", \"body\": {\"text\": \"spoofed\"}, \"clientMsgId\": \"spoof\"}"));
			String error = mallory.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("bad-request");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
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
		try (RawStompSocket mallory = connected("mallory")) {
			mallory.send(garbage);
			String error = mallory.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).as("code of the ERROR frame").isEqualTo("bad-request");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void garbageAsTheVeryFirstFrameGetsAnErrorFrameAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send("HELLO\n\n\u0000");
			String error = mallory.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("bad-request");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void connectWithoutTokenGetsUnauthorizedAndClose1008() {
		try (RawStompSocket anonymous = RawStompSocket.open(this.port, "/ws")) {
			String error = anonymous.connect(null);
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("unauthorized");
			assertThat(anonymous.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void connectWithAForgedTokenGetsUnauthorizedAndClose1008() {
		String forged = TestTokens.builder("mallory").secret("another-secret-that-is-at-least-32-bytes!").sign();
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			String error = mallory.connect(forged);
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("unauthorized");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void sendBeforeConnectGetsUnauthorizedAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send(RawFrames.send("/app/rooms/lobby/messages", "{\"body\": \"sneaky\"}"));
			String error = mallory.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("unauthorized");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
		assertThat(this.bystander.assertUnaffected()).as("messages sent before CONNECT").isEmpty();
	}

	@Test
	void subscribeBeforeConnectGetsUnauthorizedAndCloses() {
		try (RawStompSocket mallory = RawStompSocket.open(this.port, "/ws")) {
			mallory.send(RawFrames.subscribe("s1", "/topic/rooms/lobby", "r1"));
			String error = mallory.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("unauthorized");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void sendToTheBareAppPrefixIsAnsweredNotSilentlyDropped() {
		try (RawStompSocket mallory = connected("mallory")) {
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
		try (RawStompSocket mallory = connected("mallory")) {
			mallory.send(RawFrames.connect(TestTokens.forUser("mallory"), "0,0"));
			String error = mallory.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("bad-request");
			assertThat(mallory.awaitClose(CLOSE_WAIT).getCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
		}
		this.bystander.assertUnaffected();
	}

	private RawStompSocket connected(String userId) {
		RawStompSocket socket = RawStompSocket.open(this.port, "/ws");
		String connected = socket.connect(TestTokens.forUser(userId));
		assertThat(RawFrames.command(connected)).isEqualTo("CONNECTED");
		return socket;
	}

}
