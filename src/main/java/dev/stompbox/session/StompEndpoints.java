package dev.stompbox.session;

/**
 * The paths of the STOMP endpoints (PROTOCOL.md section 1), for every package that guards
 * them.
 */
public final class StompEndpoints {

	/** STOMP over a plain WebSocket. */
	public static final String WEBSOCKET = "/ws";

	/**
	 * STOMP over SockJS; its requests are {@code /sockjs/info} and
	 * {@code /sockjs/{server}/{session}/{transport}}.
	 */
	public static final String SOCKJS = "/sockjs";

	private StompEndpoints() {
	}

}
