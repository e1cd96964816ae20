package dev.stompbox.connection;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompConversionException;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;

import dev.stompbox.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One STOMP ERROR frame per failed client frame, its {@code message} header an error
 * code.
 */
class StompErrorFramesTests {

	private final StompErrorFrames errorFrames = new StompErrorFrames();

	@Test
	void knownFailureBecomesAnErrorFrameWithItsCodeAndMessage() {
		Message<byte[]> client = clientFrame(StompCommand.SEND, "s1");
		Message<byte[]> frame = this.errorFrames.handleClientMessageProcessingError(client,
				new MessageDeliveryException(client, ErrorCode.FORBIDDEN.exception("Not your room")));
		assertThat(command(frame)).isEqualTo(StompCommand.ERROR);
		assertThat(code(frame)).isEqualTo("forbidden");
		assertThat(new String(frame.getPayload(), StandardCharsets.UTF_8)).isEqualTo("Not your room");
	}

	@Test
	void bytesThatAreNotAStompFrameAreABadRequest() {
		Message<byte[]> frame = this.errorFrames.handleClientMessageProcessingError(null,
				new IllegalArgumentException("No enum constant " + StompCommand.class.getName() + ".HELLO"));
		assertThat(code(frame)).isEqualTo("bad-request");
	}

	@Test
	void malformedHeaderIsABadRequest() {
		Message<byte[]> frame = this.errorFrames.handleClientMessageProcessingError(null, new StompConversionException(
				"Illegal header: 'nonsense'. A header must be of the form <name>:[<value>]"));
		assertThat(code(frame)).isEqualTo("bad-request");
	}

	@Test
	void frameOverTheDecoderBufferIsTooLarge() {
		Message<byte[]> frame = this.errorFrames.handleClientMessageProcessingError(null, new StompConversionException(
				"The configured STOMP buffer size limit of 65536 bytes has been exceeded"));
		assertThat(code(frame)).isEqualTo("too-large");
	}

	@Test
	void frameBeforeConnectIsUnauthorized() {
		// Spring refuses it before the frame has a session id.
		Message<byte[]> frame = this.errorFrames.handleClientMessageProcessingError(
				clientFrame(StompCommand.SEND, null), new IllegalStateException("Unknown session: s1"));
		assertThat(code(frame)).isEqualTo("unauthorized");
	}

	@Test
	void secondConnectIsABadRequest() {
		Message<byte[]> frame = this.errorFrames.handleClientMessageProcessingError(
				clientFrame(StompCommand.CONNECT, null), new IllegalStateException("Session already exists"));
		assertThat(code(frame)).isEqualTo("bad-request");
	}

	@Test
	void unexpectedFailureOfAConnectedSessionIsInternal() {
		Message<byte[]> frame = this.errorFrames
			.handleClientMessageProcessingError(clientFrame(StompCommand.SEND, "s1"), new IllegalStateException("bug"));
		assertThat(code(frame)).isEqualTo("internal");
		assertThat(new String(frame.getPayload(), StandardCharsets.UTF_8)).doesNotContain("bug");
	}

	@Test
	void refusalIsAddressedToTheSessionOfTheRefusedFrame() {
		Message<byte[]> frame = StompErrorFrames.refusal(clientFrame(StompCommand.CONNECT, "s7"),
				ErrorCode.UNAUTHORIZED.exception("A token is required"));
		StompHeaderAccessor headers = StompHeaderAccessor.wrap(frame);
		assertThat(headers.getCommand()).isEqualTo(StompCommand.ERROR);
		assertThat(headers.getSessionId()).isEqualTo("s7");
		assertThat(headers.getMessage()).isEqualTo("unauthorized");
	}

	@Test
	void encodedFrameIsAStompErrorFrame() {
		String encoded = new String(StompErrorFrames.encode(ErrorCode.TOO_LARGE.exception("Frame exceeds 10 bytes")),
				StandardCharsets.UTF_8);
		assertThat(encoded).startsWith("ERROR\n")
			.contains("\nmessage:too-large\n")
			.endsWith("Frame exceeds 10 bytes\u0000");
	}

	private static Message<byte[]> clientFrame(StompCommand command, String sessionId) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(command);
		if (sessionId != null) {
			headers.setSessionId(sessionId);
		}
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

	private static StompCommand command(Message<byte[]> frame) {
		return StompHeaderAccessor.wrap(frame).getCommand();
	}

	private static String code(Message<byte[]> frame) {
		return StompHeaderAccessor.wrap(frame).getMessage();
	}

}
