package dev.stompbox.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.ServerApi.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md 1.1's bounded replies, checked the same way on one instance and on a
 * cluster: a join or a snapshot lists at most the presence list limit, recovery holds at
 * most the recovery limit and 512 KiB, and the server API and the history request page
 * through the rest, each member and each message exactly once.
 */
public final class BoundedReplies {

	/**
	 * What a join ACK or a history page holds of envelopes at most (PROTOCOL.md section
	 * 4.1).
	 */
	public static final int MAX_REPLY_BYTES = 512 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private BoundedReplies() {
	}

	/** A room id no other test uses. */
	public static String room(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * More users than the list limit join, on the instances given in turn; a last one,
	 * whose id sorts after all of theirs, joins too. Every join ACK and snapshot lists at
	 * most the limit, the joining user among them, and counts everyone; the server API
	 * pages through all of them exactly once, in id order.
	 */
	public static void membersOfARoomBiggerThanTheListLimit(int listLimit, int... ports) {
		String room = room("crowd");
		int present = 2 * listLimit + 2;
		List<StompTestClient> clients = new ArrayList<>();
		try {
			List<String> users = new ArrayList<>();
			for (int i = 0; i < present; i++) {
				String userId = String.format("m-%s-%02d", room, i);
				users.add(userId);
				StompTestClient client = StompTestClient.connect(ports[i % ports.length], TestTokens.forUser(userId));
				clients.add(client);
				JsonNode ack = client.join(room);
				assertThat(ack.path("memberCount").asInt()).isEqualTo(i + 1);
				assertThat(ack.path("members").size()).isEqualTo(Math.min(i + 1, listLimit));
				assertThat(userIds(ack.path("members"))).contains(userId);
			}
			String lastId = "z-" + room;
			StompTestClient last = StompTestClient.connect(ports[ports.length - 1],
					TestTokens.builder(lastId).name("Zed").sign());
			clients.add(last);
			JsonNode ack = last.join(room);
			assertThat(ack.path("memberCount").asInt()).isEqualTo(present + 1);
			assertThat(ack.path("members").size()).isEqualTo(listLimit);
			List<String> listed = new ArrayList<>(users.subList(0, listLimit - 1));
			listed.add(lastId);
			assertThat(userIds(ack.path("members"))).as("the first by id, and the joining user")
				.containsExactlyElementsOf(listed);
			assertThat(ack.path("members").get(listLimit - 1))
				.isEqualTo(JSON.readTree("{\"userId\": \"" + lastId + "\", \"name\": \"Zed\", \"sessions\": 1}"));

			StompTestClient secondTab = StompTestClient.connect(ports[0], TestTokens.forUser(users.get(0)));
			clients.add(secondTab);
			JsonNode again = secondTab.join(room);
			assertThat(userIds(again.path("members"))).containsExactlyElementsOf(users.subList(0, listLimit));
			assertThat(again.path("members").get(0).path("sessions").asInt()).isEqualTo(2);
			assertThat(again.path("memberCount").asInt()).as("users, not sessions").isEqualTo(present + 1);

			JsonNode snapshot = StompTestClient.awaitOn(last.subscribeNoWait("/app/rooms/" + room + "/presence", false),
					(message) -> true, "presence snapshot");
			assertThat(snapshot.propertyNames()).containsExactlyInAnyOrder("roomId", "members", "memberCount");
			assertThat(snapshot.path("memberCount").asInt()).isEqualTo(present + 1);
			assertThat(userIds(snapshot.path("members"))).containsExactlyElementsOf(users.subList(0, listLimit));

			List<String> everyone = new ArrayList<>(users);
			everyone.add(lastId);
			assertThat(pageThroughPresence(ports[0], room, listLimit, present + 1)).containsExactlyElementsOf(everyone);
		}
		finally {
			clients.forEach(StompTestClient::close);
		}
	}

	/** Every member's user id, read from the server API in pages of {@code limit}. */
	public static List<String> pageThroughPresence(int port, String room, int limit, int memberCount) {
		List<String> seen = new ArrayList<>();
		String after = null;
		int pages = 0;
		do {
			String query = "?limit=" + limit + ((after != null) ? "&after=" + after : "");
			Reply reply = ServerApi.on(port).publisherGet("/api/rooms/" + room + "/presence" + query);
			assertThat(reply.status()).as(reply.body()).isEqualTo(200);
			JsonNode page = reply.json();
			assertThat(page.propertyNames()).containsExactlyInAnyOrder("roomId", "members", "memberCount", "next");
			assertThat(page.path("roomId").asString()).isEqualTo(room);
			assertThat(page.path("memberCount").asInt()).isEqualTo(memberCount);
			assertThat(page.path("members").size()).isLessThanOrEqualTo(limit);
			seen.addAll(userIds(page.path("members")));
			after = page.path("next").isNull() ? null : page.path("next").asString();
			if (after != null) {
				assertThat(after).isEqualTo(seen.get(seen.size() - 1));
			}
			pages++;
			assertThat(pages).as("pages of %s", room).isLessThanOrEqualTo(memberCount / limit + 1);
		}
		while (after != null);
		assertThat(seen).isSorted().doesNotHaveDuplicates();
		return seen;
	}

	/**
	 * More messages than the recovery limit: the join recovers the oldest, says there are
	 * more, and history requests page through the rest to the newest.
	 */
	public static void recoveryLimitedByCount(int recoveryLimit, int joinPort, int publishPort) {
		String room = room("count");
		List<String> sent = publish(publishPort, room, 2 * recoveryLimit + 2, 10);
		try (StompTestClient client = StompTestClient.connect(joinPort, TestTokens.forUser("reader-" + room))) {
			JsonNode ack = client.join(room, Map.of("requestId", "j", "since", "0-0"));
			assertThat(ids(ack.path("recovered"))).containsExactlyElementsOf(sent.subList(0, recoveryLimit));
			assertThat(ack.path("more").asBoolean()).isTrue();
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();
			assertThat(ack.path("lastId").asString()).isEqualTo(sent.get(sent.size() - 1));

			List<String> read = new ArrayList<>(ids(ack.path("recovered")));
			List<Integer> pages = new ArrayList<>();
			JsonNode page;
			int n = 0;
			do {
				String requestId = "h" + (n++);
				client.send("/app/rooms/" + room + "/history",
						Map.of("requestId", requestId, "since", read.get(read.size() - 1)));
				page = client.awaitAck(requestId);
				assertThat(page.propertyNames()).containsExactlyInAnyOrder("requestId", "type", "ok", "roomId",
						"messages", "more", "complete");
				assertThat(page.path("type").asString()).isEqualTo("history");
				assertThat(page.path("ok").asBoolean()).isTrue();
				assertThat(page.path("roomId").asString()).isEqualTo(room);
				assertThat(page.path("complete").asBoolean()).isTrue();
				read.addAll(ids(page.path("messages")));
				pages.add(page.path("messages").size());
			}
			while (page.path("more").asBoolean());
			assertThat(read).containsExactlyElementsOf(sent);
			assertThat(pages).containsExactly(recoveryLimit, 2);

			client.send("/app/rooms/" + room + "/history", Map.of("requestId", "two", "since", "0-0", "limit", 2));
			JsonNode two = client.awaitAck("two");
			assertThat(ids(two.path("messages"))).containsExactlyElementsOf(sent.subList(0, 2));
			assertThat(two.path("more").asBoolean()).isTrue();
			client.send("/app/rooms/" + room + "/history",
					Map.of("requestId", "many", "since", sent.get(0), "limit", 1_000_000));
			assertThat(ids(client.awaitAck("many").path("messages"))).as("a limit is at most the recovery limit")
				.containsExactlyElementsOf(sent.subList(1, 1 + recoveryLimit));
		}
	}

	/**
	 * Messages of 200,000 characters: the join recovers the two that fit in 512 KiB, says
	 * there are more, and one history request reads the other two. Read over a raw
	 * socket, whose message size limit is above what a reply may hold.
	 */
	public static void recoveryLimitedByBytes(int joinPort, int publishPort) {
		String room = room("bytes");
		List<String> sent = publish(publishPort, room, 4, 200_000);
		try (RawStompSocket socket = RawStompSocket.open(joinPort, "/ws")) {
			assertThat(socket.connect(TestTokens.forUser("reader-" + room))).startsWith("CONNECTED\n");
			socket.send("SUBSCRIBE\nid:0\ndestination:/user/queue/acks\nreceipt:acks\n\n\u0000");
			assertThat(socket.nextCommandFrame()).startsWith("RECEIPT\n");

			JsonNode ack = request(socket, "/app/rooms/" + room + "/join",
					"{\"requestId\": \"j\", \"since\": \"0-0\"}");
			assertThat(ids(ack.path("recovered"))).containsExactlyElementsOf(sent.subList(0, 2));
			assertThat(bytes(ack.path("recovered"))).isLessThanOrEqualTo(MAX_REPLY_BYTES);
			assertThat(ack.path("more").asBoolean()).isTrue();
			assertThat(ack.path("recoveredAll").asBoolean()).isTrue();

			JsonNode rest = request(socket, "/app/rooms/" + room + "/history",
					"{\"requestId\": \"h\", \"since\": \"" + sent.get(1) + "\"}");
			assertThat(ids(rest.path("messages"))).containsExactlyElementsOf(sent.subList(2, 4));
			assertThat(bytes(rest.path("messages"))).isLessThanOrEqualTo(MAX_REPLY_BYTES);
			assertThat(rest.path("more").asBoolean()).isFalse();
			assertThat(rest.path("complete").asBoolean()).isTrue();
		}
	}

	/**
	 * On an instance that keeps no history ({@code STOMPBOX_HISTORY_SIZE=0}) a gap after
	 * which messages were published is never said to be recovered: not by a join with
	 * {@code since}, a history request, or the server API.
	 */
	public static void nothingKeptIsNeverRecoveredAll(int joinPort, int publishPort) {
		String room = room("off");
		List<String> sent = publish(publishPort, room, 3, 5);
		try (StompTestClient client = StompTestClient.connect(joinPort, TestTokens.forUser("reader-" + room))) {
			for (String since : List.of("0-0", sent.get(0), sent.get(1))) {
				JsonNode ack = client.join(room, Map.of("requestId", "j-" + since, "since", since));
				assertThat(ack.path("recovered")).as("since %s", since).isEmpty();
				assertThat(ack.path("recoveredAll").asBoolean()).as("since %s: %s", since, ack).isFalse();
				assertThat(ack.path("more").asBoolean()).isFalse();
				assertThat(ack.path("lastId").asString()).isEqualTo(sent.get(2));
			}
			JsonNode upToDate = client.join(room, Map.of("requestId", "j-last", "since", sent.get(2)));
			assertThat(upToDate.path("recoveredAll").asBoolean()).as("nothing after the newest id").isTrue();

			client.send("/app/rooms/" + room + "/history", Map.of("requestId", "h", "since", sent.get(0)));
			JsonNode page = client.awaitAck("h");
			assertThat(page.path("messages")).isEmpty();
			assertThat(page.path("complete").asBoolean()).isFalse();
			Reply api = ServerApi.on(publishPort).publisherGet("/api/rooms/" + room + "/messages?since=" + sent.get(0));
			assertThat(api.json().path("complete").asBoolean()).as(api.body()).isFalse();

			String quiet = room("off-quiet");
			Reply typing = ServerApi.on(publishPort)
				.publisherPost("/api/rooms/" + quiet + "/messages",
						"{\"type\": \"typing\", \"body\": 1, \"ephemeral\": true}");
			assertThat(typing.status()).isEqualTo(202);
			JsonNode onlyEphemeral = client.join(quiet, Map.of("requestId", "q", "since", "0-0"));
			assertThat(onlyEphemeral.path("recoveredAll").asBoolean()).as("ephemeral messages are never kept").isTrue();
		}
	}

	/**
	 * Sends a request over a raw socket subscribed to its ACKs and returns the next
	 * MESSAGE's body.
	 */
	public static JsonNode request(RawStompSocket socket, String destination, String json) {
		socket.send("SEND\ndestination:" + destination + "\ncontent-type:application/json\n\n" + json + "\u0000");
		String frame = socket.nextCommandFrame();
		assertThat(frame).startsWith("MESSAGE\n");
		return JSON.readTree(frame.substring(frame.indexOf("\n\n") + 2, frame.lastIndexOf('\u0000')));
	}

	/**
	 * Publishes messages through the server API, each with a body of that many
	 * characters; their ids.
	 */
	public static List<String> publish(int port, String room, int count, int bodyChars) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String body = String.valueOf(i) + "x".repeat(Math.max(0, bodyChars - 1));
			Reply reply = ServerApi.on(port)
				.publisherPost("/api/rooms/" + room + "/messages",
						"{\"type\": \"message\", \"body\": \"" + body + "\"}");
			assertThat(reply.status()).as(reply.body()).isEqualTo(202);
			ids.add(reply.json().path("id").asString());
		}
		return ids;
	}

	public static List<String> ids(JsonNode envelopes) {
		List<String> ids = new ArrayList<>();
		envelopes.forEach((envelope) -> ids.add(envelope.path("id").asString()));
		return ids;
	}

	public static List<String> userIds(JsonNode members) {
		List<String> ids = new ArrayList<>();
		members.forEach((member) -> ids.add(member.path("userId").asString()));
		return ids;
	}

	private static long bytes(JsonNode envelopes) {
		long total = 0;
		for (JsonNode envelope : envelopes) {
			total += envelope.toString().getBytes(StandardCharsets.UTF_8).length;
		}
		return total;
	}

}
