package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The STOMP session's edges with the default settings: CONNECTED's heart-beat,
 * DISCONNECT's receipt.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class ConnectFrameIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void connectedAnswersWithTheDefaultHeartbeatOfTenSecondsEachWay() {
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			String connected = client.connect(TestTokens.forUser("alice"), "10000,10000");
			assertThat(RawFrames.command(connected)).isEqualTo("CONNECTED");
			assertThat(RawFrames.header(connected, "heart-beat")).isEqualTo("10000,10000");
			assertThat(RawFrames.header(connected, "version")).isEqualTo("1.2");
		}
	}

	@Test
	void connectedAdvertisesTheServerHeartbeatEvenWhenTheClientAsksForNone() {
		try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
			String connected = client.connect(TestTokens.forUser("alice"));
			assertThat(RawFrames.command(connected)).isEqualTo("CONNECTED");
			assertThat(RawFrames.header(connected, "heart-beat")).isEqualTo("10000,10000");
		}
	}

	@Test
	void disconnectWithReceiptGetsAReceipt() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			client.send(RawFrames.disconnect("bye-1"));
			String receipt = client.nextCommandFrame();
			assertThat(RawFrames.command(receipt)).isEqualTo("RECEIPT");
			assertThat(RawFrames.header(receipt, "receipt-id")).isEqualTo("bye-1");
		}
	}

	@Test
	void disconnectWithReceiptAfterSubscriptionsIsReceiptedLikeThem() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			client.send(RawFrames.subscribe("s1", "/topic/rooms/lobby", "sub-1"));
			client.send(RawFrames.subscribe("s2", "/user/queue/acks", "sub-2"));
			client.send(RawFrames.disconnect("bye-2"));
			List<String> receipts = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				String frame = client.nextCommandFrame();
				assertThat(RawFrames.command(frame)).isEqualTo("RECEIPT");
				receipts.add(RawFrames.header(frame, "receipt-id"));
			}
			assertThat(receipts).containsExactlyInAnyOrder("sub-1", "sub-2", "bye-2");
		}
	}

}
