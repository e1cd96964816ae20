package dev.stompbox.connection;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;

/**
 * The WebSocket close codes of PROTOCOL.md section 6 and what a session's attributes say
 * about its close. An error that ends a connection closes it with its code's close code
 * ({@link ErrorCode#closeCode()}). Spring's STOMP handler closes every connection it sent
 * an ERROR frame to with 1002: the check that refused the frame leaves the close status
 * of its error in the session attributes ({@link ErrorFrameOnFailure}) for
 * {@link CloseCodeSession} to use instead.
 */
public final class CloseCodes {

	static final String ATTRIBUTE = "stompbox.closeStatus";

	static final String DISCONNECT_ATTRIBUTE = "stompbox.disconnectRequested";

	static final String ABORTED_ATTRIBUTE = "stompbox.abortedAfterClose";

	static final CloseStatus TRY_AGAIN_LATER = new CloseStatus(1013, "try again later");

	private CloseCodes() {
	}

	/** The close status of a connection that an error of this code ends. */
	static CloseStatus forError(ErrorCode code) {
		return new CloseStatus(code.closeCode());
	}

	/**
	 * Leaves the status the session closes with when Spring's STOMP handler closes it
	 * after an ERROR frame.
	 */
	static void remember(@Nullable Map<String, Object> sessionAttributes, CloseStatus status) {
		if (sessionAttributes != null) {
			sessionAttributes.put(ATTRIBUTE, status);
		}
	}

	/** The status left for the session; {@code null} when none was. */
	static @Nullable CloseStatus remembered(@Nullable Map<String, Object> sessionAttributes) {
		return (sessionAttributes != null && sessionAttributes.get(ATTRIBUTE) instanceof CloseStatus status) ? status
				: null;
	}

	static CloseStatus chosen(Map<String, Object> sessionAttributes, CloseStatus fallback) {
		CloseStatus remembered = remembered(sessionAttributes);
		return (remembered != null) ? remembered : fallback;
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
