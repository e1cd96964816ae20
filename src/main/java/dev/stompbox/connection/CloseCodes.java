package dev.stompbox.connection;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

import dev.stompbox.error.ErrorCode;

/**
 * Which WebSocket close code a protocol failure ends the connection with (PROTOCOL.md
 * section 6). Spring closes every connection it sent an ERROR frame to with 1002; the
 * code chosen here from that ERROR frame is left in the session attributes for
 * {@link CloseCodeSession} to use instead.
 */
public final class CloseCodes {

	static final String ATTRIBUTE = "stompbox.closeStatus";

	static final String DISCONNECT_ATTRIBUTE = "stompbox.disconnectRequested";

	static final String ABORTED_ATTRIBUTE = "stompbox.abortedAfterClose";

	static final CloseStatus TRY_AGAIN_LATER = new CloseStatus(1013, "try again later");

	private static final String ERROR_FRAME = "ERROR\n";

	private static final String MESSAGE_HEADER = "\nmessage:";

	private CloseCodes() {
	}

	static CloseStatus forError(ErrorCode code) {
		return switch (code) {
			case UNAUTHORIZED, FORBIDDEN, LIMIT_EXCEEDED -> CloseStatus.POLICY_VIOLATION;
			case TOO_LARGE -> CloseStatus.TOO_BIG_TO_PROCESS;
			default -> CloseStatus.PROTOCOL_ERROR;
		};
	}

	/**
	 * The close code that follows an ERROR frame on its way to the client, from the error
	 * code in its {@code message} header; {@code null} for any other message. Read from
	 * the frame because for a frame Spring could not decode, no session reaches the error
	 * handler.
	 */
	static @Nullable CloseStatus forErrorFrame(WebSocketMessage<?> message) {
		String code = errorFrameCode(message);
		if (code == null) {
			return null;
		}
		ErrorCode known = known(code);
		return (known != null) ? forError(known) : CloseStatus.PROTOCOL_ERROR;
	}

	/**
	 * The error code of an ERROR frame on its way to the client, if it is one of the
	 * catalogue.
	 */
	static @Nullable ErrorCode errorCodeOf(WebSocketMessage<?> message) {
		String code = errorFrameCode(message);
		return (code != null) ? known(code) : null;
	}

	/**
	 * The {@code message} header of an ERROR frame; {@code null} for any other message.
	 */
	private static @Nullable String errorFrameCode(WebSocketMessage<?> message) {
		if (!(message instanceof TextMessage text) || !text.getPayload().startsWith(ERROR_FRAME)) {
			return null;
		}
		String frame = text.getPayload();
		int headersEnd = frame.indexOf("\n\n");
		int header = frame.indexOf(MESSAGE_HEADER);
		if (header < 0 || (headersEnd >= 0 && header > headersEnd)) {
			return null;
		}
		int start = header + MESSAGE_HEADER.length();
		int end = frame.indexOf('\n', start);
		return frame.substring(start, (end < 0) ? frame.length() : end);
	}

	private static @Nullable ErrorCode known(String code) {
		for (ErrorCode candidate : ErrorCode.values()) {
			if (candidate.code().equals(code)) {
				return candidate;
			}
		}
		return null;
	}

	static void remember(@Nullable Map<String, Object> sessionAttributes, CloseStatus status) {
		if (sessionAttributes != null) {
			sessionAttributes.put(ATTRIBUTE, status);
		}
	}

	static CloseStatus chosen(Map<String, Object> sessionAttributes, CloseStatus fallback) {
		return (sessionAttributes.get(ATTRIBUTE) instanceof CloseStatus status) ? status : fallback;
	}

	/** The client sent DISCONNECT: it chose to go, whatever close code follows. */
	static void disconnectRequested(@Nullable Map<String, Object> sessionAttributes) {
		if (sessionAttributes != null) {
			sessionAttributes.put(DISCONNECT_ATTRIBUTE, Boolean.TRUE);
		}
	}

	/**
	 * The status a closed connection is counted under: normal after the client's own
	 * DISCONNECT. Spring answers a DISCONNECT without a receipt with an ERROR frame and
	 * close 1002, which would otherwise count every such goodbye as a protocol error.
	 */
	static CloseStatus counted(Map<String, Object> sessionAttributes, CloseStatus status) {
		if (sessionAttributes.get(DISCONNECT_ATTRIBUTE) != null) {
			return CloseStatus.NORMAL;
		}
		return (sessionAttributes.get(ABORTED_ATTRIBUTE) instanceof CloseStatus closedWith) ? closedWith : status;
	}

	/**
	 * The server closed with this status, but the close frame could not be written and
	 * the connection was dropped: it is counted under the status chosen, not as abnormal.
	 */
	public static void abortedAfterClose(Map<String, Object> sessionAttributes, CloseStatus status) {
		sessionAttributes.put(ABORTED_ATTRIBUTE, status);
	}

}
