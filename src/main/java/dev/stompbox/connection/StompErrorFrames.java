package dev.stompbox.connection;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompConversionException;
import org.springframework.messaging.simp.stomp.StompEncoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.web.socket.messaging.StompSubProtocolErrorHandler;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

/**
 * Maps a failure to process a client frame to one STOMP ERROR frame whose {@code message}
 * header is an error code. The connection ends after it, with the close code of that
 * error code ({@link ErrorCode#closeCode()}).
 * <p>
 * A failure Spring's STOMP handler meets itself (a frame it could not decode, one sent
 * before CONNECT, one it could not pass on) is not answered through Spring: Spring would
 * close with 1002 whatever the error, and for the first two no session reaches this
 * handler to leave another code on. The failure goes up to {@link ConnectionGuard}
 * instead, which knows the session and ends it with the ERROR frame and the close code of
 * its error.
 */
class StompErrorFrames extends StompSubProtocolErrorHandler {

	private static final Log logger = LogFactory.getLog(StompErrorFrames.class);

	/**
	 * Never returns: the failure, as a {@link Refused}, leaves Spring's STOMP handler for
	 * {@link ConnectionGuard}, which called it.
	 */
	@Override
	public @Nullable Message<byte[]> handleClientMessageProcessingError(@Nullable Message<byte[]> clientMessage,
			Throwable failure) {
		throw new Refused(classify(clientMessage, failure));
	}

	/**
	 * The ERROR frame for an inbound frame refused while it was checked, for its session.
	 */
	static Message<byte[]> refusal(Message<?> clientMessage, StompboxException error) {
		Message<byte[]> frame = frame(error);
		StompHeaderAccessor headers = MessageHeaderAccessor.getAccessor(frame, StompHeaderAccessor.class);
		headers.setSessionId(SimpMessageHeaderAccessor.getSessionId(clientMessage.getHeaders()));
		return frame;
	}

	static Message<byte[]> frame(StompboxException error) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.ERROR);
		headers.setMessage(error.code().code());
		headers.setContentType(org.springframework.util.MimeTypeUtils.TEXT_PLAIN);
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(error.getMessage().getBytes(StandardCharsets.UTF_8),
				headers.getMessageHeaders());
	}

	/** The bytes of the ERROR frame, for writing past Spring's STOMP handler. */
	static byte[] encode(StompboxException error) {
		Message<byte[]> frame = frame(error);
		return new StompEncoder().encode(frame.getHeaders(), frame.getPayload());
	}

	/** The error a client is told about for a failure to process its frame. */
	static StompboxException classify(@Nullable Message<?> clientMessage, Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof StompboxException known) {
				return known;
			}
			if (cause instanceof StompConversionException
					&& String.valueOf(cause.getMessage()).contains("buffer size limit")) {
				return ErrorCode.TOO_LARGE.exception("Frame exceeds the size limit");
			}
		}
		// Spring passes no message when the bytes could not be decoded into a STOMP
		// frame: an unknown command, a malformed header, a body where none is allowed.
		if (clientMessage == null) {
			return ErrorCode.BAD_REQUEST.exception("Not a STOMP frame");
		}
		// Spring refuses a frame before giving it a session id only when the session has
		// not sent CONNECT yet, or sends it a second time.
		if (SimpMessageHeaderAccessor.getSessionId(clientMessage.getHeaders()) == null) {
			StompCommand command = StompHeaderAccessor.wrap(clientMessage).getCommand();
			return (command == StompCommand.CONNECT || command == StompCommand.STOMP)
					? ErrorCode.BAD_REQUEST.exception("Already connected")
					: ErrorCode.UNAUTHORIZED.exception("CONNECT first");
		}
		logger.warn("Closing a connection after an unexpected failure", failure);
		return ErrorCode.INTERNAL.exception("Internal error");
	}

	/**
	 * A client's frame Spring's STOMP handler refused, with the error to end its
	 * connection with, on its way up to {@link ConnectionGuard}.
	 */
	static final class Refused extends RuntimeException {

		private final StompboxException error;

		Refused(StompboxException error) {
			super(error.getMessage(), null, false, false);
			this.error = error;
		}

		StompboxException error() {
			return this.error;
		}

	}

}
