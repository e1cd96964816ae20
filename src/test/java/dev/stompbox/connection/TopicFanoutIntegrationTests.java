package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room message is encoded once and the frame shared by subscribers whose subscription
 * ids are equal: each subscriber still gets the frame with its own id, a connection
 * subscribed twice gets it once for each of its ids, and every copy carries the same
 * body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class TopicFanoutIntegrationTests {

	private static final String ROOM = "shared";

	private static final String TOPIC = "/topic/rooms/" + ROOM;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void subscribersWithEqualAndDifferentIdsEachGetTheirOwnSubscriptionHeader() {
		try (RawStompSocket alice = joined("alice", "sub-0");
				RawStompSocket bob = joined("bob", "sub-0");
				RawStompSocket carol = joined("carol", "room", "room-again")) {
			alice.send(RawFrames.send("/app/rooms/" + ROOM + "/messages",
					"{\"requestId\": \"m1\", \"body\": {\"text\": \"héllo ✓\"}}"));

			String toAlice = nextMessage(alice);
			String toBob = nextMessage(bob);
			List<String> toCarol = List.of(nextMessage(carol), nextMessage(carol));

			assertThat(RawFrames.header(toAlice, "subscription")).isEqualTo("sub-0");
			assertThat(RawFrames.header(toBob, "subscription")).isEqualTo("sub-0");
			assertThat(toCarol).extracting((frame) -> RawFrames.header(frame, "subscription"))
				.containsExactlyInAnyOrder("room", "room-again");
			List<String> all = new ArrayList<>(toCarol);
			all.add(toAlice);
			all.add(toBob);
			assertThat(all).extracting((frame) -> RawFrames.header(frame, "message-id"))
				.containsOnly(RawFrames.header(toAlice, "message-id"));
			assertThat(all).extracting(RawFrames::body).containsOnly(RawFrames.body(toAlice));
			assertThat(JSON.readTree(RawFrames.body(toAlice)).path("body").path("text").asString())
				.isEqualTo("héllo ✓");
		}
	}

	/**
	 * Connects, subscribes to the room under each of the ids and to the acks, and joins.
	 */
	private RawStompSocket joined(String userId, String... roomSubscriptionIds) {
		RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser(userId));
		for (String id : roomSubscriptionIds) {
			RawFrames.subscribeAndAwaitReceipt(socket, id, TOPIC);
		}
		RawFrames.subscribeAndAwaitReceipt(socket, "acks", "/user/queue/acks");
		socket.send(RawFrames.send("/app/rooms/" + ROOM + "/join", "{\"requestId\": \"join\"}"));
		RawFrames.awaitFrame(socket, (frame) -> RawFrames.isMessageOn(frame, "/user/queue/acks"), null);
		return socket;
	}

	private static String nextMessage(RawStompSocket socket) {
		return RawFrames.awaitFrame(socket, (frame) -> RawFrames.isMessageOn(frame, TOPIC), null);
	}

}
