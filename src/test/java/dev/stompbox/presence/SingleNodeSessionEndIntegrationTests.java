package dev.stompbox.presence;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.connection.delivery.DestinationSubscriptions;
import dev.stompbox.relay.RoomInterest;
import dev.stompbox.support.ResettingSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session's end is final on a single node too: CONNECT, SUBSCRIBE and dozens of joins
 * in one message, reset a few milliseconds later, leave no member, no interest and no
 * subscription.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.presence.timeout=61s" })
class SingleNodeSessionEndIntegrationTests {

	private static final List<String> ROOMS = IntStream.range(0, 30).mapToObj((room) -> "single-end-" + room).toList();

	private static final String PUBLISHER = TestTokens.builder("backend").scope("stompbox:publish").sign();

	@LocalServerPort
	int port;

	@Autowired
	ConnectionRegistry connections;

	@Autowired
	InMemoryPresence presence;

	@Autowired
	RoomInterest interest;

	@Autowired
	DestinationSubscriptions subscriptions;

	@Test
	void joinsQueuedBehindAResetLeaveNoMemberInterestOrSubscription() {
		for (int round = 0; round < 40; round++) {
			String message = ResettingSocket.connectSubscribeAndJoin(TestTokens.forUser("ghost-" + round),
					"/topic/rooms/" + ROOMS.get(round % ROOMS.size()), ROOMS);
			ResettingSocket.open(this.port).sendAndReset(message, 50);
		}

		await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (String room : ROOMS) {
				JsonNode members = presenceOf(room).path("members");
				assertThat(members.isArray()).isTrue();
				assertThat(members.size()).as("members of %s: %s", room, members).isZero();
			}
			assertThat(this.connections.count()).isZero();
			assertThat(this.presence.localSessions()).isZero();
			assertThat(this.interest.sessions()).isZero();
			assertThat(this.interest.attachedRooms()).isZero();
			assertThat(this.subscriptions.sessions()).isZero();
		});
	}

	private JsonNode presenceOf(String room) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/api/rooms/" + room + "/presence"))
			.header("Authorization", "Bearer " + PUBLISHER)
			.GET()
			.build();
		try (HttpClient http = HttpClient.newHttpClient()) {
			String body = http.send(request, BodyHandlers.ofString()).body();
			return JsonMapper.builder().build().readTree(body);
		}
	}

}
