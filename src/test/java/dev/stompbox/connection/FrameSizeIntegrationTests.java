package dev.stompbox.connection;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound frame size limit, {@code STOMPBOX_MAX_FRAME_SIZE} (default 65536 bytes): a
 * larger frame, however it is cut into WebSocket messages, gets an ERROR frame
 * {@code message:too-large} and close 1009 (PROTOCOL.md sections 5 and 6); a frame of the
 * limit is accepted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class FrameSizeIntegrationTests {

	private static final int LIMIT = 65536;

	private static final String ROOM = "big";

	private static final String MESSAGES = "/app/rooms/" + ROOM + "/messages";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	/**
	 * Not in the room of the big frames: an envelope around a body of nearly 64 KiB is
	 * more than a Spring client accepts by default.
	 */
	@RegisterExtension
	final Bystander bystander = Bystander.inRoomForEachTest("small");

	@Test
	void frameOneByteOverTheLimitGetsTooLargeAndClose1009() {
		try (RawStompSocket sender = joined("sender")) {
			sender.send(RawFrames.sendOfSize(MESSAGES, "over", LIMIT + 1));
			sender.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void frameFarOverTheLimitGetsTooLargeAndClose1009() {
		try (RawStompSocket sender = joined("sender")) {
			try {
				sender.send(RawFrames.sendOfSize(MESSAGES, "far-over", 5 * LIMIT));
			}
			catch (IllegalStateException ex) {
				// The server may refuse and close before the client has written the whole
				// frame.
			}
			sender.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void frameOverTheLimitInSeveralWebSocketPartsGetsTooLargeAndClose1009() {
		try (RawStompSocket sender = joined("sender")) {
			String frame = RawFrames.sendOfSize(MESSAGES, "parts", LIMIT + 1000);
			int third = frame.length() / 3;
			sender.sendPart(frame.substring(0, third), false);
			sender.sendPart(frame.substring(third, 2 * third), false);
			sender.sendPart(frame.substring(2 * third), true);
			sender.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void frameOverTheLimitInSeveralWebSocketMessagesGetsTooLargeAndClose1009() {
		// STOMP.js and others split a large frame into WebSocket messages of their own.
		try (RawStompSocket sender = joined("sender")) {
			String frame = RawFrames.sendOfSize(MESSAGES, "chunks", LIMIT + 1000);
			sender.sendInMessages(frame, 16 * 1024);
			sender.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void frameOverTheLimitOverSockJsGetsTooLargeAndTheConnectionEnds() throws Exception {
		try (StompTestClient sender = StompTestClient.connect(this.port, TestTokens.forUser("sender"),
				StompTestClient.Transport.SOCKJS)) {
			sender.send(MESSAGES, "{\"body\": \"" + "x".repeat(LIMIT) + "\"}");
			Received error = StompTestClient.poll(sender.errorFrames(), StompTestClient.TIMEOUT);
			assertThat(error).as("ERROR frame").isNotNull();
			assertThat(error.headers().getFirst("message")).isEqualTo("too-large");
			sender.lost().get(StompTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		this.bystander.assertUnaffected();
	}

	/**
	 * The container's buffer for SockJS holds whole frames up to the limit
	 * (WholeMessageHandshakeHandler).
	 */
	@Test
	void frameJustUnderTheLimitOverSockJsIsAccepted() {
		try (StompTestClient sender = StompTestClient.connect(this.port, TestTokens.forUser("sender"),
				StompTestClient.Transport.SOCKJS)) {
			assertThat(sender.join(ROOM).path("ok").asBoolean()).isTrue();
			sender.send(MESSAGES, "{\"requestId\": \"sockjs-under\", \"body\": \"" + "x".repeat(LIMIT - 300) + "\"}");
			assertThat(sender.awaitAck("sockjs-under").path("ok").asBoolean()).isTrue();
			assertThat(sender.isConnected()).isTrue();
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void frameOfExactlyTheLimitIsAcceptedAndDelivered() {
		try (RawStompSocket sender = joined("sender")) {
			sender.send(RawFrames.sendOfSize(MESSAGES, "at-limit", LIMIT));
			assertAckedAndDelivered(sender, "at-limit");
		}
	}

	@Test
	void frameJustUnderTheLimitInSeveralWebSocketPartsIsAccepted() {
		try (RawStompSocket sender = joined("sender")) {
			String frame = RawFrames.sendOfSize(MESSAGES, "under-parts", LIMIT - 100);
			int half = frame.length() / 2;
			sender.sendPart(frame.substring(0, half), false);
			sender.sendPart(frame.substring(half), true);
			assertAckedAndDelivered(sender, "under-parts");
		}
	}

	@Test
	void frameJustUnderTheLimitInSeveralWebSocketMessagesIsAccepted() {
		try (RawStompSocket sender = joined("sender")) {
			String frame = RawFrames.sendOfSize(MESSAGES, "under-chunks", LIMIT - 100);
			sender.sendInMessages(frame, 16 * 1024);
			assertAckedAndDelivered(sender, "under-chunks");
		}
	}

	/** Connects, subscribes to the room, the acks and errors, and joins the room. */
	private RawStompSocket joined(String userId) {
		RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser(userId));
		RawFrames.subscribeAndAwaitReceipt(socket, "room", "/topic/rooms/" + ROOM);
		RawFrames.subscribeAndAwaitReceipt(socket, "acks", "/user/queue/acks");
		RawFrames.subscribeAndAwaitReceipt(socket, "errors", "/user/queue/errors");
		socket.send(RawFrames.send("/app/rooms/" + ROOM + "/join", "{\"requestId\": \"join\"}"));
		String ack = RawFrames.awaitFrame(socket, (frame) -> RawFrames.isMessageOn(frame, "/user/queue/acks"), null);
		assertThat(JSON.readTree(RawFrames.body(ack)).path("ok").asBoolean()).isTrue();
		return socket;
	}

	/**
	 * Its ACK is positive and the room message arrives; they may come in either order.
	 */
	private static void assertAckedAndDelivered(RawStompSocket sender, String requestId) {
		JsonNode ack = null;
		JsonNode delivered = null;
		while (ack == null || delivered == null) {
			String frame = sender.nextCommandFrame();
			if (RawFrames.isMessageOn(frame, "/user/queue/acks")) {
				ack = JSON.readTree(RawFrames.body(frame));
			}
			else if (RawFrames.isMessageOn(frame, "/topic/rooms/" + ROOM)) {
				delivered = JSON.readTree(RawFrames.body(frame));
			}
			else {
				throw new AssertionError("Unexpected frame " + RawFrames.command(frame) + ": "
						+ frame.substring(0, Math.min(300, frame.length())));
			}
		}
		assertThat(ack.path("requestId").asString()).isEqualTo(requestId);
		assertThat(ack.path("ok").asBoolean()).as("ACK " + ack).isTrue();
		assertThat(delivered.path("id").asString()).isEqualTo(ack.path("id").asString());
		assertThat(delivered.path("body").asString()).hasSizeGreaterThan(LIMIT - 300);
		assertThat(sender.isOpen()).isTrue();
	}

}
