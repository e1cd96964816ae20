package dev.stompbox.error;

import java.util.concurrent.CompletionException;

/**
 * A request that failed for a reason the client can act on. Carries no stack trace: these
 * are expected outcomes of bad input, not bugs.
 */
public class StompboxException extends RuntimeException {

	private final ErrorCode code;

	public StompboxException(ErrorCode code, String message) {
		super(message, null, false, false);
		this.code = code;
	}

	public ErrorCode code() {
		return this.code;
	}

	/**
	 * Translates any failure, including one wrapped by a {@code CompletableFuture}, into
	 * the exception a client is told about; anything unexpected becomes {@code internal}.
	 */
	public static StompboxException from(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof StompboxException known) {
			return known;
		}
		return new StompboxException(ErrorCode.INTERNAL, "Internal error");
	}

}
