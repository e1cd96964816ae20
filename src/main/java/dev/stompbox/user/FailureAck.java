package dev.stompbox.user;

/** The ACK of a request that carried a {@code requestId} and failed. */
public record FailureAck(String requestId, String type, boolean ok, String error, String message) {

	public FailureAck(String requestId, String type, String error, String message) {
		this(requestId, type, false, error, message);
	}

}
