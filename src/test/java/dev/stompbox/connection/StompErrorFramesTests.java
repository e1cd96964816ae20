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
import dev.stompbox.error.StompboxException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One STOMP ERROR frame per failed client frame, its {@code message} header an error
 * code; a failure Spring's STOMP handler meets goes up to the guard as its error.
 */
class StompErrorFramesTests {

	private final StompErrorFrames errorFrames = new StompErrorFrames();

	@Test
	void knownFailureGoesUpToTheGuardAsItsError() {
		Message<byte[]> client = clientFrame(StompCommand.SEND, "s1");
		StompboxException error = refused(client,
				new MessageDeliveryException(client, ErrorCode.FORBIDDEN.exception("Not your room")));
		assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
		assertThat(error.getMessage()).isEqualTo("Not your room");
	}

	@Test
	void bytesThatAreNotAStompFrameAreABadRequest() {
		StompboxException error = refused(null,
				new IllegalArgumentException("No enum constant " + StompCommand.class.getName() + ".HELLO"));
		assertThat(error.code()).isEqualTo(ErrorCode.BAD_REQUEST);
	}

	@Test
	void malformedHeaderIsABadRequest() {
		StompboxException error = refused(null, new StompConversionException(
				"Illegal header: 'nonsense'. A header must be of the form <name>:[<value>]"));
		assertThat(error.code()).isEqualTo(ErrorCode.BAD_REQUEST);
	}

	@Test
	void frameOverTheDecoderBufferIsTooLarge() {
		StompboxException error = refused(null, new StompConversionException(
				"The configured STOMP buffer size limit of 65536 bytes has been exceeded"));
		assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
	}

	@Test
	void frameBeforeConnectIsUnauthorized() {
		// Spring refuses it before the frame has a session id.
		StompboxException error = refused(clientFrame(StompCommand.SEND, null),
				new IllegalStateException("Unknown session: s1"));
		assertThat(error.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
	}

	@Test
	void secondConnectIsABadRequest() {
		StompboxException error = refused(clientFrame(StompCommand.CONNECT, null),
				new IllegalStateException("Session already exists"));
		assertThat(error.code()).isEqualTo(ErrorCode.BAD_REQUEST);
	}

	@Test
	void unexpectedFailureOfAConnectedSessionIsInternal() {
		StompboxException error = refused(clientFrame(StompCommand.SEND, "s1"), new IllegalStateException("bug"));
		assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
		assertThat(error.getMessage()).doesNotContain("bug");
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

	private StompboxException refused(Message<byte[]> clientMessage, Throwable failure) {
		return catchThrowableOfType(StompErrorFrames.Refused.class,
				() -> this.errorFrames.handleClientMessageProcessingError(clientMessage, failure))
			.error();
	}

}
