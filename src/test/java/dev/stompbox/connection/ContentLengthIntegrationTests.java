package dev.stompbox.connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frame's {@code content-length} (PROTOCOL.md section 5): one that is not a
 * non-negative integer gets an ERROR frame {@code bad-request} and close 1002, one over
 * {@code STOMPBOX_MAX_FRAME_SIZE} (65536 here) {@code too-large} and close 1009, each as
 * soon as the header is read, whether or not a body and NUL follow. A valid one still
 * decides where the body ends, NUL bytes in it included.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class ContentLengthIntegrationTests {

	private static final int LIMIT = 65536;

	private static final String ROOM = "lengths";

	private static final String MESSAGES = "/app/rooms/" + ROOM + "/messages";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@RegisterExtension
	final Bystander bystander = Bystander.inRoomForEachTest("lobby");

	@ParameterizedTest(name = "content-length:{0} with body: {1}")
	@CsvSource(delimiter = '|', value = { "abc|false", "abc|true", "-5|false", "-5|true", "''|false", "''|true",
			"' 5'|true", "+5|true", "1.5|true", "0x10|true" })
	void aContentLengthThatIsNotANonNegativeIntegerGetsBadRequestAnd1002AtOnce(String contentLength,
			boolean bodyFollows) {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			mallory.send(sendHeaders(contentLength) + (bodyFollows ? "{\"requestId\": \"r1\"}" + RawFrames.NUL : ""));
			mallory.assertRefused("bad-request", CloseStatus.PROTOCOL_ERROR);
		}
		this.bystander.assertUnaffected();
	}

	@ParameterizedTest(name = "content-length:{0} with body: {1}")
	@CsvSource(delimiter = '|', value = { "65537|false", "65537|true", "2147483647|false", "2147483647|true",
			"99999999999999999999|false", "99999999999999999999|true", "000000000000000065537|false" })
	void aContentLengthOverTheFrameLimitGetsTooLargeAnd1009AtOnce(String contentLength, boolean bodyFollows) {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			mallory.send(sendHeaders(contentLength) + (bodyFollows ? "{\"requestId\": \"r1\"}" + RawFrames.NUL : ""));
			mallory.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void aBadContentLengthWhoseHeadersArriveInPiecesIsRefusedAsSoonAsItsLineIsWhole() {
		try (RawStompSocket mallory = RawStompSocket.connected(this.port, TestTokens.forUser("mallory"))) {
			mallory.send("SEND\ndestination:" + MESSAGES + "\ncontent-le");
			mallory.send("ngth:2147483647\n");
			mallory.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
		this.bystander.assertUnaffected();
	}

	@Test
	void aLargeFrameWithItsContentLengthIsAcceptedInOneMessageAndInSeveral() {
		try (RawStompSocket sender = joined("sender")) {
			String whole = sendWithContentLength(body("whole", 60_000));
			sender.send(whole);
			assertAcked(sender, "whole");
			String pieces = sendWithContentLength(body("pieces", 60_000));
			sender.sendInMessages(pieces, 16 * 1024);
			assertAcked(sender, "pieces");
		}
	}

	@Test
	void aNulInsideTheContentLengthIsPartOfTheBody() {
		try (RawStompSocket sender = joined("sender")) {
			// Without content-length the frame would end at the first NUL, and the rest
			// be garbage.
			String nul = RawFrames.NUL;
			sender.send("SEND\ndestination:" + MESSAGES + "\ncontent-length:5\n\nab" + nul + "cd" + nul);
			String answer = RawFrames.awaitFrame(sender, (frame) -> !frame.isBlank(), null);
			assertThat(RawFrames.isMessageOn(answer, "/user/queue/errors")).as(answer).isTrue();
			assertThat(JSON.readTree(RawFrames.body(answer)).path("error").asString()).isEqualTo("bad-request");
			sender.send(sendWithContentLength(body("after", 100)));
			assertAcked(sender, "after");
		}
	}

	/** Connected, subscribed to its ACKs and errors, and in the room. */
	private RawStompSocket joined(String userId) {
		RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser(userId));
		RawFrames.subscribeAndAwaitReceipt(socket, "acks", "/user/queue/acks");
		RawFrames.subscribeAndAwaitReceipt(socket, "errors", "/user/queue/errors");
		socket.send(RawFrames.send("/app/rooms/" + ROOM + "/join", "{\"requestId\": \"join\"}"));
		assertAcked(socket, "join");
		return socket;
	}

	private static String sendHeaders(String contentLength) {
		return "SEND\ndestination:" + MESSAGES + "\ncontent-type:application/json\ncontent-length:" + contentLength
				+ "\n\n";
	}

	private static String body(String requestId, int size) {
		String head = "{\"requestId\":\"" + requestId + "\",\"body\":\"";
		return head + "x".repeat(size - head.length() - 2) + "\"}";
	}

	private static String sendWithContentLength(String body) {
		return sendHeaders(String.valueOf(RawFrames.bytes(body))) + body + RawFrames.NUL;
	}

	private static void assertAcked(RawStompSocket socket, String requestId) {
		String frame = RawFrames.awaitFrame(socket, (candidate) -> RawFrames.isMessageOn(candidate, "/user/queue/acks")
				|| "ERROR".equals(RawFrames.command(candidate)), null);
		assertThat(RawFrames.command(frame)).as(frame).isEqualTo("MESSAGE");
		JsonNode ack = JSON.readTree(RawFrames.body(frame));
		assertThat(ack.path("requestId").asString()).isEqualTo(requestId);
		assertThat(ack.path("ok").asBoolean()).as("ACK " + ack).isTrue();
	}

}
