package dev.stompbox.security;

import org.springframework.web.socket.CloseStatus;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.RawStompSocket;

import static dev.stompbox.support.RawStompSocket.body;
import static dev.stompbox.support.RawStompSocket.command;
import static dev.stompbox.support.RawStompSocket.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the authentication tests check of a token again and again: the status of a
 * handshake carrying it, and the answer to a CONNECT carrying it (PROTOCOL.md section 2).
 */
final class TokenChecks {

	private TokenChecks() {
	}

	/**
	 * A handshake with the token in the {@code Authorization} header, and one with it in
	 * the {@code access_token} parameter, are each answered with the status.
	 */
	static void assertHandshakesAnswer(int port, String token, int status) {
		assertThat(Handshakes.to(port, "/ws").bearer(token).status()).isEqualTo(status);
		assertThat(Handshakes.to(port, "/ws?access_token=" + token).status()).isEqualTo(status);
	}

	/** A CONNECT with the token over {@code /ws} is refused. */
	static void assertRefusedAtConnect(int port, String token) {
		try (RawStompSocket connection = RawStompSocket.open(port, "/ws")) {
			assertRefused(connection, connection.connect(token), token);
		}
	}

	/**
	 * The answer is an ERROR frame {@code unauthorized} that does not repeat the token
	 * (if one was sent), and the connection is closed with 1008.
	 */
	static void assertRefused(RawStompSocket connection, String answer, String token) {
		assertThat(command(answer)).as(answer).isEqualTo("ERROR");
		assertThat(header(answer, "message")).isEqualTo("unauthorized");
		if (!token.isEmpty()) {
			assertThat(answer).doesNotContain(token);
		}
		assertThat(connection.awaitClose().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
	}

	/** The answer is a CONNECTED frame for the user. */
	static void assertConnectedAs(String userId, String answer) {
		assertThat(command(answer)).as(body(answer)).isEqualTo("CONNECTED");
		assertThat(header(answer, "user-name")).isEqualTo(userId);
	}

}
