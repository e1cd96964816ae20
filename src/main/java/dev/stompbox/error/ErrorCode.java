package dev.stompbox.error;

/**
 * The error catalogue of PROTOCOL.md section 5: the wire code a client acts on, the HTTP
 * status the server API answers with, and whether retrying the same request can succeed.
 */
public enum ErrorCode {

	BAD_REQUEST("bad-request", 400, false), UNAUTHORIZED("unauthorized", 401, false),
	FORBIDDEN("forbidden", 403, false), NOT_FOUND("not-found", 404, false), NOT_JOINED("not-joined", 409, false),
	TOO_LARGE("too-large", 413, false), RATE_LIMITED("rate-limited", 429, true),
	LIMIT_EXCEEDED("limit-exceeded", 429, false), UNAVAILABLE("unavailable", 503, true),
	INTERNAL("internal", 500, true);

	private final String code;

	private final int httpStatus;

	private final boolean retryable;

	ErrorCode(String code, int httpStatus, boolean retryable) {
		this.code = code;
		this.httpStatus = httpStatus;
		this.retryable = retryable;
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

	public StompboxException exception(String message) {
		return new StompboxException(this, message);
	}

}
