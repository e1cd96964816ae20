package dev.stompbox.error;

/**
 * The error catalogue of PROTOCOL.md section 5: the wire code a client acts on, the HTTP
 * status the server API answers with, whether retrying the same request can succeed, and
 * the WebSocket close code that follows when the error ends a connection.
 */
public enum ErrorCode {

	BAD_REQUEST("bad-request", 400, false, 1002), UNAUTHORIZED("unauthorized", 401, false, 1008),
	FORBIDDEN("forbidden", 403, false, 1008), NOT_FOUND("not-found", 404, false, 1002),
	NOT_JOINED("not-joined", 409, false, 1002), TOO_LARGE("too-large", 413, false, 1009),
	RATE_LIMITED("rate-limited", 429, true, 1002), LIMIT_EXCEEDED("limit-exceeded", 429, false, 1008),
	UNAVAILABLE("unavailable", 503, true, 1002), INTERNAL("internal", 500, true, 1002);

	private final String code;

	private final int httpStatus;

	private final boolean retryable;

	private final int closeCode;

	ErrorCode(String code, int httpStatus, boolean retryable, int closeCode) {
		this.code = code;
		this.httpStatus = httpStatus;
		this.retryable = retryable;
		this.closeCode = closeCode;
	}

	/** The code as it appears on the wire, for example {@code rate-limited}. */
	public String code() {
		return this.code;
	}

	public int httpStatus() {
		return this.httpStatus;
	}

	public boolean retryable() {
		return this.retryable;
	}

	/**
	 * The WebSocket close code that follows an ERROR frame with this code, which always
	 * ends the connection (PROTOCOL.md sections 2, 5 and 6): 1008, policy violation, for
	 * a client that is not authenticated, not allowed, or over its per-user limit; 1009
	 * for a frame too large; 1002, protocol error, for any other (most of which only ever
	 * answer a request and end no connection).
	 */
	public int closeCode() {
		return this.closeCode;
	}

	public StompboxException exception(String message) {
		return new StompboxException(this, message);
	}

}
