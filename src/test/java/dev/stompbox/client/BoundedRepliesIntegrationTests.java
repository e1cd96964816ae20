package dev.stompbox.client;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.BoundedReplies;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md 1.1 section 4: no reply grows with the room. Its own server, with a
 * presence list limit of 3 and a recovery limit of 5, so that a few users and messages
 * exceed them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY,
				"stompbox.presence.list-limit=" + BoundedRepliesIntegrationTests.LIST_LIMIT,
				"stompbox.recovery-limit=" + BoundedRepliesIntegrationTests.RECOVERY_LIMIT })
class BoundedRepliesIntegrationTests {

	static final int LIST_LIMIT = 3;

	static final int RECOVERY_LIMIT = 5;

	@LocalServerPort
	int port;

	@Test
	void aJoinIntoARoomOfMoreMembersThanTheListLimitListsTheLimitWithTheJoinerAndCountsEveryone() {
		BoundedReplies.membersOfARoomBiggerThanTheListLimit(LIST_LIMIT, this.port);
	}

	@Test
	void recoveryIsLimitedByCountAndTheRestIsPagedWithHistoryRequests() {
		BoundedReplies.recoveryLimitedByCount(RECOVERY_LIMIT, this.port, this.port);
	}

	@Test
	void recoveryIsLimitedTo512KibibytesAndTheRestIsPagedWithHistoryRequests() {
		BoundedReplies.recoveryLimitedByBytes(this.port, this.port);
	}

	@Test
	void historyRequestWithoutRequestIdIsStillAnswered() {
		String room = Fixtures.room("bare");
		java.util.List<String> sent = BoundedReplies.publish(this.port, room, 2, 5);
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/history", Map.of("since", "0-0"));
			JsonNode page = Fixtures.next(client.queue("/user/queue/acks"), "acks");
			assertThat(page.has("requestId")).isFalse();
			assertThat(page.path("type").asString()).isEqualTo("history");
			assertThat(Fixtures.ids(page.path("messages"))).containsExactlyElementsOf(sent);
			assertThat(page.path("more").asBoolean()).isFalse();
		}
	}

	@Test
	void historyOfAnEmptyRoomIsEmptyAndComplete() {
		String room = Fixtures.room("empty");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/history", Map.of("requestId", "h", "since", "0-0"));
			JsonNode page = client.awaitAck("h");
			assertThat(page.path("ok").asBoolean()).isTrue();
			assertThat(page.path("messages").isArray()).isTrue();
			assertThat(page.path("messages")).isEmpty();
			assertThat(page.path("more").asBoolean()).isFalse();
			assertThat(page.path("complete").asBoolean()).isTrue();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"requestId\": \"h\"}", "{\"requestId\": \"h\", \"since\": \"yesterday\"}",
			"{\"requestId\": \"h\", \"since\": 5}", "{\"requestId\": \"h\", \"since\": \"0-0\", \"limit\": 0}",
			"{\"requestId\": \"h\", \"since\": \"0-0\", \"limit\": -3}",
			"{\"requestId\": \"h\", \"since\": \"0-0\", \"limit\": 1.5}",
			"{\"requestId\": \"h\", \"since\": \"0-0\", \"limit\": \"ten\"}", "{\"requestId\": \"h\", \"since\": ",
			"[\"h\"]" })
	void malformedHistoryRequestsAreBadRequests(String body) {
		String room = Fixtures.room("bad");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/history", body);
			JsonNode error = client.awaitError();
			assertThat(error.path("error").asString()).isEqualTo("bad-request");
			assertThat(error.path("destination").asString()).isEqualTo("/app/rooms/" + room + "/history");
			if (body.startsWith("{\"requestId\": \"h\", \"since\": \"") || body.contains("\"since\": 5")
					|| body.equals("{\"requestId\": \"h\"}")) {
				JsonNode ack = client.awaitAck("h");
				assertThat(ack.path("type").asString()).isEqualTo("history");
				assertThat(ack.path("ok").asBoolean()).isFalse();
				assertThat(ack.path("error").asString()).isEqualTo("bad-request");
			}
		}
	}

	@Test
	void historyOfABadRoomIdIsABadRequest() {
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "c")) {
			client.ensureUserQueues();
			client.send("/app/rooms/a.b/history", Map.of("requestId", "h", "since", "0-0"));
			JsonNode ack = client.awaitAck("h");
			assertThat(ack.path("type").asString()).isEqualTo("history");
			assertThat(ack.path("error").asString()).isEqualTo("bad-request");
			assertThat(client.awaitError().path("error").asString()).isEqualTo("bad-request");
		}
	}

	@Test
	void historyOfARoomTheTokenDoesNotAllowIsForbiddenAndReadsNothing() {
		String room = Fixtures.room("closed");
		BoundedReplies.publish(this.port, room, 1, 5);
		try (StompTestClient client = StompTestClient.connect(this.port,
				TestTokens.builder(Fixtures.user("c")).rooms("open-*").sign())) {
			client.ensureUserQueues();
			client.send("/app/rooms/" + room + "/history", Map.of("requestId", "h", "since", "0-0"));
			JsonNode ack = client.awaitAck("h");
			assertThat(ack.propertyNames()).doesNotContain("messages");
			assertThat(ack.path("type").asString()).isEqualTo("history");
			assertThat(ack.path("ok").asBoolean()).isFalse();
			assertThat(ack.path("error").asString()).isEqualTo("forbidden");
			JsonNode error = client.awaitError();
			assertThat(error.path("error").asString()).isEqualTo("forbidden");
			assertThat(error.path("requestId").asString()).isEqualTo("h");
			assertThat(error.path("destination").asString()).isEqualTo("/app/rooms/" + room + "/history");
		}
	}

}
