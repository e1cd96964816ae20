package dev.stompbox.security;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.support.RawStompSocket.body;
import static dev.stompbox.support.RawStompSocket.command;
import static dev.stompbox.support.RawStompSocket.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2: a token that expires during a connection ends it with a system
 * notice {@code token-expired}, never before {@code exp} and within 5 s after it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class TokenExpiryIntegrationTests {

	private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	static Stream<Arguments> connections() {
		return Stream.of(Arguments.of("/ws", false), Arguments.of("/ws", true), Arguments.of("/sockjs", false));
	}

	/**
	 * The first connection of a fresh JVM can take seconds to open; a warm client keeps
	 * the few seconds before exp for the test.
	 */
	@BeforeEach
	void warmUp() {
		RawStompSocket.connected(this.port, TestTokens.forUser("warm-up")).close();
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/sockjs")) {
			assertThat(command(connection.connect(TestTokens.forUser("warm-up")))).isEqualTo("CONNECTED");
		}
	}

	@ParameterizedTest(name = "{0}, token at the handshake: {1}")
	@MethodSource("connections")
	void tokenExpiringDuringTheConnectionGetsANoticeNotBeforeExpAndIsClosedWithin5sAfter(String endpoint,
			boolean atHandshake) throws ParseException {
		String token = TestTokens.builder("alice").expiresIn(Duration.ofSeconds(3)).sign();
		// exp has whole seconds: the token expires at the second the server reads, not
		// the instant minted.
		Instant exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
		try (RawStompSocket connection = atHandshake
				? RawStompSocket.open(this.port, endpoint + "?access_token=" + token)
				: RawStompSocket.open(this.port, endpoint)) {
			String connected = atHandshake ? connection.connectWith() : connection.connect(token);
			assertThat(command(connected)).as(connected).isEqualTo("CONNECTED");
			connection.send("SUBSCRIBE\nid:system\ndestination:/user/queue/system\nreceipt:r-system\n\n\u0000");
			assertThat(command(connection.nextCommandFrame())).isEqualTo("RECEIPT");
			assertThat(Instant.now()).as("subscribed before exp").isBefore(exp);

			String notice = connection.nextCommandFrame();
			Instant noticedAt = Instant.now();
			assertThat(command(notice)).as(notice).isEqualTo("MESSAGE");
			assertThat(header(notice, "destination")).isEqualTo("/user/queue/system");
			JsonNode json = JSON.readTree(body(notice));
			assertThat(json.path("type").asString()).isEqualTo("reconnect");
			assertThat(json.path("reason").asString()).isEqualTo("token-expired");
			assertThat(json.has("retryAfterMs")).isTrue();
			assertThat(noticedAt).as("notice not before exp").isAfterOrEqualTo(exp);

			CloseStatus status = connection.awaitClose(Duration.between(Instant.now(), exp.plus(CLOSE_WITHIN)));
			assertThat(Instant.now()).as("closed within 5 s after exp").isBeforeOrEqualTo(exp.plus(CLOSE_WITHIN));
			assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
	}

}
