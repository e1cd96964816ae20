package dev.stompbox.connection;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;

/**
 * The outcome of the request a handler is handling, for its RECEIPT
 * ({@link dev.stompbox.connection.delivery.Receipts Receipts}): a {@code SEND} to
 * {@code /app} is answered (ACK or error) once work that may finish on another thread is
 * done, and its RECEIPT must come after that answer (PROTOCOL.md section 4.3). The
 * handler hands the stage that completes once the answer is sent; it is kept in the
 * session's attributes, where Receipts takes it back once the handler returns. A
 * session's frames are handled one at a time, so one entry per session is enough.
 */
public final class RequestOutcome {

	private static final String ATTRIBUTE = "stompbox.requestOutcome";

	private RequestOutcome() {
	}

	/**
	 * Called by a handler, on the thread that handles the message, with the stage of its
	 * answer.
	 */
	public static void handedOut(Message<?> request, CompletionStage<?> answered) {
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(request.getHeaders());
		if (attributes != null) {
			attributes.put(ATTRIBUTE, answered);
		}
	}

	/** The stage the handler of this message handed out, taken away; null when none. */
	public static @Nullable CompletionStage<?> take(MessageHeaders headers) {
		Map<String, Object> attributes = SimpMessageHeaderAccessor.getSessionAttributes(headers);
		return (attributes != null && attributes.remove(ATTRIBUTE) instanceof CompletionStage<?> answered) ? answered
				: null;
	}

}
