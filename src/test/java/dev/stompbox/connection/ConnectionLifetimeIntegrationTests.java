package dev.stompbox.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections the server ends on purpose (PROTOCOL.md sections 2 and 6): before the
 * maximum connection lifetime, here {@value #LIFETIME_SECONDS} s, and when the token
 * expires, each with a {@code reconnect} notice on {@code /user/queue/system} first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { TestTokens.SECRET_PROPERTY,
		"stompbox.max-connection-lifetime=" + ConnectionLifetimeIntegrationTests.LIFETIME_SECONDS + "s" })
class ConnectionLifetimeIntegrationTests {

	static final int LIFETIME_SECONDS = 3;

	private static final Duration LIFETIME = Duration.ofSeconds(LIFETIME_SECONDS);

	/** Scheduling and delivery slack allowed after the moment the close is due. */
	private static final Duration MARGIN = Duration.ofMillis(1000);

	private static final String SYSTEM = "/user/queue/system";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void maxLifetimeSendsAReconnectNoticeThenClosesWithinTheLifetime() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			long connectedAt = System.currentTimeMillis();
			RawFrames.subscribeAndAwaitReceipt(client, "system", SYSTEM);
			CloseStatus status = client.awaitClose(LIFETIME.plus(MARGIN).plusSeconds(2));
			long lived = System.currentTimeMillis() - connectedAt;
			assertThat(lived).as("connection lifetime in ms")
				.isLessThanOrEqualTo(LIFETIME.plus(MARGIN).toMillis())
				.isGreaterThanOrEqualTo(LIFETIME.toMillis() * 8 / 10);
			assertThat(status.getCode()).isIn(CloseStatus.NORMAL.getCode(), CloseStatus.GOING_AWAY.getCode());
			// Frames are recorded in arrival order, and all of them arrived before the
			// close.
			List<String> before = new ArrayList<>();
			String noticeFrame = RawFrames.awaitFrame(client, (f) -> RawFrames.isMessageOn(f, SYSTEM), before);
			assertThat(before).as("frames before the notice").isEmpty();
			JsonNode notice = JSON.readTree(RawFrames.body(noticeFrame));
			assertThat(notice.path("type").asString()).isEqualTo("reconnect");
			assertThat(notice.path("reason").asString()).isEqualTo("max-lifetime");
			assertThat(notice.path("retryAfterMs").isIntegralNumber()).as("retryAfterMs of " + notice).isTrue();
			assertThat(notice.path("retryAfterMs").asLong()).isGreaterThanOrEqualTo(0);
		}
	}

	@Test
	void realClientGetsTheMaxLifetimeNoticeOnItsSystemQueueBeforeTheConnectionIsLost() {
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("bob"))) {
			long connectedAt = System.currentTimeMillis();
			client.ensureUserQueues();
			JsonNode notice = client.await(SYSTEM, (n) -> true);
			assertThat(client.lost()).as("connection lost before the notice was taken").isNotDone();
			assertThat(notice.path("type").asString()).isEqualTo("reconnect");
			assertThat(notice.path("reason").asString()).isEqualTo("max-lifetime");
			assertThat(notice.has("retryAfterMs")).isTrue();
			client.lost()
				.orTimeout(LIFETIME.plus(MARGIN).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
				.join();
			assertThat(System.currentTimeMillis() - connectedAt).isLessThanOrEqualTo(LIFETIME.plus(MARGIN).toMillis());
		}
	}

	@Test
	void expiringTokenGetsATokenExpiredNoticeAndCloseNotBeforeExpiryAndWithinFiveSeconds() throws Exception {
		String token = TestTokens.builder("carol").expiresIn(Duration.ofMillis(1500)).sign();
		// exp as signed: whole seconds.
		long expiresAt = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime();
		try (RawStompSocket client = RawStompSocket.connected(this.port, token)) {
			RawFrames.subscribeAndAwaitReceipt(client, "system", SYSTEM);
			CloseStatus status = client.awaitClose(Duration.ofSeconds(10));
			long closedAt = System.currentTimeMillis();
			assertThat(closedAt).as("closed at, against exp " + expiresAt)
				.isGreaterThanOrEqualTo(expiresAt)
				.isLessThanOrEqualTo(expiresAt + 5000);
			assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			String notice = RawFrames.awaitFrame(client, (f) -> RawFrames.isMessageOn(f, SYSTEM), null);
			JsonNode body = JSON.readTree(RawFrames.body(notice));
			assertThat(body.path("type").asString()).isEqualTo("reconnect");
			assertThat(body.path("reason").asString()).isEqualTo("token-expired");
			assertThat(body.has("retryAfterMs")).isTrue();
		}
	}

	@Test
	void tokenThatExpiredWithinTheClockSkewIsAcceptedThenClosedAtOnceWith1008() {
		String token = TestTokens.builder("dave").expiresIn(Duration.ofSeconds(-2)).sign();
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			String connected = client.connect(token);
			assertThat(RawFrames.command(connected)).isEqualTo("CONNECTED");
			CloseStatus status = client.awaitClose(Duration.ofSeconds(5));
			assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
	}

}
