package dev.stompbox.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.connection.RawFrames.command;
import static dev.stompbox.connection.RawFrames.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code STOMPBOX_MAX_CONNECTIONS_PER_USER} (PROTOCOL.md section 6): the CONNECT beyond a
 * user's limit on one instance gets an ERROR frame {@code limit-exceeded} and close 1008;
 * a connection that ends frees its slot; other users are not affected.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { TestTokens.SECRET_PROPERTY,
		"stompbox.max-connections-per-user=" + UserConnectionLimitIntegrationTests.LIMIT })
class UserConnectionLimitIntegrationTests {

	static final int LIMIT = 2;

	@LocalServerPort
	int port;

	@Test
	void connectBeyondTheUsersLimitGetsLimitExceededAndClose1008() {
		String token = TestTokens.forUser("many-tabs");
		try (StompTestClient first = StompTestClient.connect(this.port, token);
				StompTestClient second = StompTestClient.connect(this.port, token);
				RawStompSocket third = RawStompSocket.open(this.port, "/ws");
				Bystander bystander = Bystander.inRoom(this.port, "per-user")) {
			String answer = third.connect(token);
			assertThat(command(answer)).isEqualTo("ERROR");
			assertThat(header(answer, "message")).isEqualTo("limit-exceeded");
			assertThat(third.awaitClose(Duration.ofSeconds(5)).getCode())
				.isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			assertThat(first.isConnected()).isTrue();
			assertThat(second.isConnected()).isTrue();
			assertThat(first.join("per-user-first").path("ok").asBoolean()).isTrue();
			bystander.assertUnaffected();
		}
	}

	@Test
	void aClosedConnectionFreesItsSlot() {
		String token = TestTokens.forUser("reconnecting");
		try (StompTestClient first = StompTestClient.connect(this.port, token)) {
			StompTestClient.connect(this.port, token).close();
			StompTestClient.connect(this.port, token).close();
			// The server learns of a close a moment after the client made it.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				try (RawStompSocket again = RawStompSocket.connected(this.port, token)) {
				}
			});
		}
	}

	@Test
	void connectsThatRaceForTheLastSlotDoNotBothGetIt() throws Exception {
		String token = TestTokens.forUser("racing");
		int racers = 8;
		List<RawStompSocket> sockets = new ArrayList<>();
		try (StompTestClient holder = StompTestClient.connect(this.port, token)) {
			for (int i = 0; i < racers; i++) {
				sockets.add(RawStompSocket.open(this.port, "/ws"));
			}
			CountDownLatch start = new CountDownLatch(1);
			List<CompletableFuture<String>> answers = new ArrayList<>();
			for (RawStompSocket socket : sockets) {
				answers.add(CompletableFuture.supplyAsync(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return command(socket.connect(token));
				}));
			}
			start.countDown();
			List<String> commands = answers.stream().map(CompletableFuture::join).toList();
			assertThat(commands).filteredOn("CONNECTED"::equals).hasSize(LIMIT - 1);
			assertThat(commands).filteredOn("ERROR"::equals).hasSize(racers - LIMIT + 1);
			assertThat(holder.isConnected()).isTrue();
		}
		finally {
			sockets.forEach(RawStompSocket::close);
		}
	}

	@Test
	void theLimitIsPerUser() {
		try (StompTestClient a1 = StompTestClient.connect(this.port, TestTokens.forUser("user-a"));
				StompTestClient a2 = StompTestClient.connect(this.port, TestTokens.forUser("user-a"));
				StompTestClient b1 = StompTestClient.connect(this.port, TestTokens.forUser("user-b"));
				StompTestClient b2 = StompTestClient.connect(this.port, TestTokens.forUser("user-b"))) {
			assertThat(List.of(a1, a2, b1, b2)).allMatch(StompTestClient::isConnected);
		}
	}

}
