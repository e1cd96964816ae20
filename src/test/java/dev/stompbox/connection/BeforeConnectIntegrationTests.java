package dev.stompbox.connection;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a connection may do before its CONNECT is complete (PROTOCOL.md sections 2 and 6):
 * it has {@code STOMPBOX_CONNECT_TIMEOUT} (3 s here: room for a first CONNECT on a busy
 * machine) from its handshake, then gets an ERROR frame {@code unauthorized} and close
 * 1008, over WebSocket and SockJS alike; and its first frame, the CONNECT, may take 8
 * KiB, so a client that trickles bytes without a NUL holds no more than that before it
 * gets {@code too-large} and close 1009.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { TestTokens.SECRET_PROPERTY,
		"stompbox.connect-timeout=" + BeforeConnectIntegrationTests.TIMEOUT_MS + "ms" })
class BeforeConnectIntegrationTests {

	static final int TIMEOUT_MS = 3000;

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	ConnectionRegistry registry;

	@Test
	void aConnectionThatSendsNothingIsClosedWithUnauthorizedAnd1008() {
		try (RawStompSocket silent = RawStompSocket.open(this.port, "/ws")) {
			silent.assertRefused("unauthorized", CloseStatus.POLICY_VIOLATION);
		}
	}

	@Test
	void aConnectWithoutItsNulIsClosedWithUnauthorizedAnd1008() {
		try (RawStompSocket unfinished = RawStompSocket.open(this.port, "/ws")) {
			unfinished.send("CONNECT\n");
			unfinished.assertRefused("unauthorized", CloseStatus.POLICY_VIOLATION);
		}
	}

	@Test
	void aSockJsSessionThatSendsNothingIsClosedWithUnauthorizedAnd1008() {
		try (XhrStreamingSession silent = XhrStreamingSession.open(this.port)) {
			String error = silent.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("unauthorized");
			assertThat(silent.awaitClose()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			awaitEnded(silent.sessionId());
		}
	}

	@Test
	void aConnectedClientOutlivesTheTimeout() throws InterruptedException {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			Thread.sleep(TIMEOUT_MS + 1000);
			RawFrames.subscribeAndAwaitReceipt(client, "acks", "/user/queue/acks");
			assertThat(client.isOpen()).isTrue();
		}
	}

	@Test
	void aSockJsSessionThatConnectsOutlivesTheTimeout() throws InterruptedException {
		try (XhrStreamingSession client = XhrStreamingSession.open(this.port)) {
			assertThat(client.send(RawFrames.connect(TestTokens.forUser("alice"), "0,0"))).isEqualTo(204);
			String connected = client.nextCommandFrame();
			assertThat(RawFrames.command(connected)).as(connected).isEqualTo("CONNECTED");
			Thread.sleep(TIMEOUT_MS + 1000);
			assertThat(client.send(RawFrames.subscribe("acks", "/user/queue/acks", "r1"))).isEqualTo(204);
			assertThat(RawFrames.isReceipt(client.nextCommandFrame(), "r1")).isTrue();
		}
	}

	@Test
	void bytesTrickledWithoutANulPastTheConnectLimitGetTooLargeAnd1009() {
		try (RawStompSocket trickler = RawStompSocket.open(this.port, "/ws")) {
			trickler.send("CONNECT\naccept-version:1.2\n");
			// WebSocket messages of 999 bytes: under the frame limit; the ninth takes
			// the CONNECT past its 8 KiB. No more: one sent after the server's close
			// would fail.
			for (int i = 0; i < 9; i++) {
				trickler.send("x-padding-" + i + ":" + "p".repeat(986) + "\n");
			}
			trickler.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
	}

	@Test
	void aConnectFrameInWebSocketPartsPastTheConnectLimitGetsTooLargeAnd1009() {
		try (RawStompSocket trickler = RawStompSocket.open(this.port, "/ws")) {
			trickler.sendPart("CONNECT\naccept-version:1.2\n", false);
			// The ninth part takes the CONNECT past its 8 KiB; a tenth could meet the
			// closed connection and fail to send.
			for (int i = 0; i < 9; i++) {
				trickler.sendPart("x-padding-" + i + ":" + "p".repeat(986) + "\n", false);
			}
			trickler.assertRefused("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		}
	}

	@Test
	void aConnectFrameUnderTheConnectLimitIsAccepted() {
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			String connect = "CONNECT\naccept-version:1.2\nheart-beat:0,0\nAuthorization:Bearer "
					+ TestTokens.forUser("alice") + "\nx-padding:";
			client.send(connect + "p".repeat(8000 - RawFrames.bytes(connect)) + "\n\n" + RawFrames.NUL);
			String connected = client.nextCommandFrame();
			assertThat(RawFrames.command(connected)).as(connected).isEqualTo("CONNECTED");
		}
	}

	/**
	 * Only the first frame is bounded: a large SEND right behind the CONNECT is an
	 * ordinary frame.
	 */
	@Test
	void aLargeFrameInTheSameMessageAsTheConnectIsNotBoundByTheConnectLimit() {
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			String big = RawFrames.sendOfSize("/app/rooms/elsewhere/messages", "big", 60_000);
			client.send(RawFrames.connect(TestTokens.forUser("alice"), "0,0")
					+ RawFrames.subscribe("errors", "/user/queue/errors", "r-errors") + big);
			String connected = client.nextCommandFrame();
			assertThat(RawFrames.command(connected)).as(connected).isEqualTo("CONNECTED");
			assertThat(RawFrames.isReceipt(client.nextCommandFrame(), "r-errors")).isTrue();
			String answer = client.nextCommandFrame();
			assertThat(RawFrames.isMessageOn(answer, "/user/queue/errors")).as(answer).isTrue();
			assertThat(JSON.readTree(RawFrames.body(answer)).path("error").asString()).isEqualTo("not-joined");
			assertThat(client.isOpen()).isTrue();
		}
	}

	/**
	 * The close frame is written before the session's end is handled: its end is waited
	 * for.
	 */
	private void awaitEnded(String sessionId) {
		await("session ended").atMost(CLOSE_WAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> !this.registry.isOpen(sessionId));
	}

}
