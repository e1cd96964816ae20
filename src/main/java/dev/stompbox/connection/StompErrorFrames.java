package dev.stompbox.connection;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompEncoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.messaging.StompSubProtocolErrorHandler;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

/**
 * Maps a failure to process a client frame to one STOMP ERROR frame whose {@code message}
 * header is an error code, and chooses the close code that follows it.
 */
class StompErrorFrames extends StompSubProtocolErrorHandler {

	private static final Log logger = LogFactory.getLog(StompErrorFrames.class);

	@Override
	public @Nullable Message<byte[]> handleClientMessageProcessingError(@Nullable Message<byte[]> clientMessage,
			Throwable failure) {
		StompboxException error = classify(failure);
		if (error.code() == ErrorCode.INTERNAL) {
			logger.warn("Closing a connection after an unexpected failure", failure);
		}
		if (clientMessage != null) {
			CloseCodes.remember(SimpMessageHeaderAccessor.getSessionAttributes(clientMessage.getHeaders()),
					CloseCodes.forError(error.code()));
		}
		return frame(error);
	}

	static Message<byte[]> frame(StompboxException error) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.ERROR);
		headers.setMessage(error.code().code());
		headers.setContentType(org.springframework.util.MimeTypeUtils.TEXT_PLAIN);
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(error.getMessage().getBytes(StandardCharsets.UTF_8),
				headers.getMessageHeaders());
	}

	/** The bytes of the ERROR frame, for writing before the STOMP handler is involved. */
	static byte[] encode(StompboxException error) {
		Message<byte[]> frame = frame(error);
		return new StompEncoder().encode(frame.getHeaders(), frame.getPayload());
	}

	private static StompboxException classify(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof StompboxException known) {
				return known;
			}
			if (cause instanceof org.springframework.messaging.simp.stomp.StompConversionException) {
				String message = String.valueOf(cause.getMessage());
				return message.contains("buffer size limit")
						? ErrorCode.TOO_LARGE.exception("Frame exceeds the size limit")
						: ErrorCode.BAD_REQUEST.exception("Not a STOMP frame");
			}
			if (cause instanceof IllegalArgumentException && cause.getMessage() != null
					&& cause.getMessage().contains("STOMP")) {
				return ErrorCode.BAD_REQUEST.exception("Not a STOMP frame");
			}
		}
		return ErrorCode.INTERNAL.exception("Internal error");
	}

}
