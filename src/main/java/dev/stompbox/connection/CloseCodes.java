package dev.stompbox.connection;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;

/**
 * Which WebSocket close code a protocol failure ends the connection with (PROTOCOL.md
 * section 6). Spring closes every connection it sent an ERROR frame to with 1002; the code
 * chosen here is left in the session attributes for {@link ConnectionGuard} to use instead.
 */
final class CloseCodes {

	static final String ATTRIBUTE = "stompbox.closeStatus";

	static final CloseStatus TRY_AGAIN_LATER = new CloseStatus(1013, "try again later");

	private CloseCodes() {
	}

	static CloseStatus forError(ErrorCode code) {
		return switch (code) {
			case UNAUTHORIZED, FORBIDDEN -> CloseStatus.POLICY_VIOLATION;
			case TOO_LARGE -> CloseStatus.TOO_BIG_TO_PROCESS;
			default -> CloseStatus.PROTOCOL_ERROR;
		};
	}

	static void remember(@Nullable Map<String, Object> sessionAttributes, CloseStatus status) {
		if (sessionAttributes != null) {
			sessionAttributes.put(ATTRIBUTE, status);
		}
	}

	static CloseStatus chosen(Map<String, Object> sessionAttributes, CloseStatus fallback) {
		return (sessionAttributes.get(ATTRIBUTE) instanceof CloseStatus status) ? status : fallback;
	}

}
