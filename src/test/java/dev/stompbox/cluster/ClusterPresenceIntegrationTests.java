package dev.stompbox.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.stompbox.presence.InstanceLease;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.ServerApi.Reply;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.cluster.Rooms.next;
import static dev.stompbox.cluster.Rooms.presenceTopic;
import static dev.stompbox.cluster.Rooms.sessions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence with the sessions of one user spread over instances, and with an instance that
 * dies without a word.
 */
@ClusterTest(instances = 3,
		properties = "stompbox.presence.timeout=" + ClusterPresenceIntegrationTests.PRESENCE_TIMEOUT_SECONDS + "s")
class ClusterPresenceIntegrationTests {

	/** Short, so that the users of a dead instance are gone within seconds. */
	static final int PRESENCE_TIMEOUT_SECONDS = 3;

	static final Duration PRESENCE_TIMEOUT = Duration.ofSeconds(PRESENCE_TIMEOUT_SECONDS);

	static StompboxCluster cluster;

	@Test
	void aUserWithTabsOnTwoInstancesIsPresentOnceUntilTheLastTabLeaves() {
		String room = "tabs";
		try (StompTestClient observer = cluster.connect(2, "olga");
				StompTestClient tabA = StompTestClient.connect(cluster.port(0), user("ulla", "Ulla"));
				StompTestClient tabB = StompTestClient.connect(cluster.port(1), user("ulla", "Ulla"));
				StompTestClient other = StompTestClient.connect(cluster.port(2), user("max", "Max"))) {
			BlockingQueue<Received> events = observer.subscribe(presenceTopic(room));

			JsonNode firstTab = Rooms.join(tabA, room, Map.of("requestId", "a"));
			assertThat(sessions(firstTab.path("members"))).containsExactlyEntriesOf(Map.of("ulla", 1));
			assertEvent(next(events), "join", "ulla", 1);
			assertThat(firstTab.path("members").get(0).path("name").asString()).isEqualTo("Ulla");

			JsonNode secondTab = Rooms.join(tabB, room, Map.of("requestId", "b"));
			assertThat(sessions(secondTab.path("members"))).containsExactlyEntriesOf(Map.of("ulla", 2));

			JsonNode otherJoin = Rooms.join(other, room, Map.of("requestId", "c"));
			assertThat(sessions(otherJoin.path("members"))).isEqualTo(Map.of("ulla", 2, "max", 1));
			// The second tab sent no event: the next one is max's.
			assertEvent(next(events), "join", "max", 2);

			// The snapshot on another instance and the server API on a third read the
			// same state.
			JsonNode snapshot = StompTestClient.awaitOn(tabB.subscribeNoWait("/app/rooms/" + room + "/presence", false),
					(message) -> true, "presence snapshot");
			assertThat(sessions(snapshot.path("members"))).isEqualTo(Map.of("ulla", 2, "max", 1));
			Reply api = cluster.api(0).publisherGet("/api/rooms/" + room + "/presence");
			assertThat(sessions(api.json().path("members"))).isEqualTo(Map.of("ulla", 2, "max", 1));

			tabA.send("/app/rooms/" + room + "/leave", Map.of("requestId", "leave-a"));
			assertThat(tabA.awaitAck("leave-a").path("type").asString()).isEqualTo("leave");
			JsonNode afterFirstTab = cluster.api(1).publisherGet("/api/rooms/" + room + "/presence").json();
			assertThat(sessions(afterFirstTab.path("members"))).isEqualTo(Map.of("ulla", 1, "max", 1));
			other.send("/app/rooms/" + room + "/leave", Map.of("requestId", "leave-max"));
			other.awaitAck("leave-max");
			// ulla's first tab leaving sent no event: the next one is max's leave.
			assertEvent(next(events), "leave", "max", 1);

			tabB.close();
			assertEvent(next(events), "leave", "ulla", 0);
			assertThat(cluster.api(2).publisherGet("/api/rooms/" + room + "/presence").json().path("members"))
				.isEmpty();
		}
	}

	@Test
	void theUsersOfAnInstanceThatDiesWithoutCleanupLeaveExactlyOnceAfterThePresenceTimeout() {
		String room = "wake";
		cluster.startInstance("node-doomed");
		int doomed = cluster.size() - 1;
		List<StompTestClient> clients = new ArrayList<>();
		try {
			List<BlockingQueue<Received>> observers = new ArrayList<>();
			for (int i = 0; i < doomed; i++) {
				StompTestClient observer = connect(clients, i, "watcher-" + i);
				observers.add(observer.subscribe(presenceTopic(room)));
			}
			// sam has a session on a survivor and one on the doomed instance; dora has
			// two tabs
			// and dave one, all on the doomed instance.
			Rooms.join(connect(clients, 0, "sam"), room, Map.of("requestId", "sam-0"));
			Rooms.join(connect(clients, doomed, "sam"), room, Map.of("requestId", "sam-1"));
			Rooms.join(connect(clients, doomed, "dora"), room, Map.of("requestId", "dora-0"));
			Rooms.join(connect(clients, doomed, "dora"), room, Map.of("requestId", "dora-1"));
			JsonNode last = Rooms.join(connect(clients, doomed, "dave"), room, Map.of("requestId", "dave-0"));
			assertThat(sessions(last.path("members"))).isEqualTo(Map.of("sam", 2, "dora", 2, "dave", 1));
			for (BlockingQueue<Received> events : observers) {
				assertThat(Rooms.take(events, 3, StompTestClient.TIMEOUT))
					.extracting((event) -> event.path("userId").asString())
					.containsExactly("sam", "dora", "dave");
			}

			// The instance dies: no lease renewal, no Redis, no shutdown.
			long died = System.nanoTime();
			cluster.bean(doomed, InstanceLease.class).stop();
			cluster.bean(doomed, RedisConnections.class).close();

			// The lease expires at most three quarters of a timeout after the death and a
			// survivor reaps within a quarter of a timeout after that; the rest is margin
			// for a loaded machine.
			JsonNode first = Rooms.take(observers.getFirst(), 1, PRESENCE_TIMEOUT.plusSeconds(3)).getFirst();
			long firstMillis = (System.nanoTime() - died) / 1_000_000;
			// Every survivor reaps on each renewal of its lease, a quarter of the timeout
			// apart: a
			// second survivor emitting the same leave again would do so within this
			// window.
			long windowEnd = System.nanoTime() + PRESENCE_TIMEOUT.toNanos();
			for (int i = 0; i < observers.size(); i++) {
				List<JsonNode> seen = new ArrayList<>();
				if (i == 0) {
					seen.add(first);
				}
				Received more;
				while ((more = StompTestClient.poll(observers.get(i),
						Duration.ofNanos(Math.max(0, windowEnd - System.nanoTime())))) != null) {
					seen.add(more.json());
				}
				System.out.println("Survivor " + i + " of a dead instance: the first leave came " + firstMillis
						+ " ms after the death; events in a window of " + PRESENCE_TIMEOUT + ": " + seen);
				assertThat(seen).allSatisfy((event) -> assertThat(event.path("type").asString()).isEqualTo("leave"));
				assertThat(seen).extracting((event) -> event.path("userId").asString())
					.containsExactlyInAnyOrder("dora", "dave");
				assertThat(seen.getLast().path("count").asInt()).isEqualTo(1);
			}
			// The leaves were sent in the step that removed the sessions: the members are
			// right now.
			await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
				for (int i = 0; i < doomed; i++) {
					assertThat(sessions(
							cluster.api(i).publisherGet("/api/rooms/" + room + "/presence").json().path("members")))
						.isEqualTo(Map.of("sam", 1));
				}
			});
			JsonNode rejoin = Rooms.join(connect(clients, 1, "nina"), room, Map.of("requestId", "nina"));
			assertThat(sessions(rejoin.path("members"))).isEqualTo(Map.of("sam", 1, "nina", 1));
		}
		finally {
			clients.forEach(StompTestClient::close);
		}
	}

	@Test
	void namesThatJsonMustEscapeComeBackAsTheTokenGaveThem() {
		String room = "escapes";
		String name = "Zo\u00eb \"Z\" / \\ \ud83c\udfb8\n\tend";
		String userId = "user/with\"quote";
		try (StompTestClient odd = StompTestClient.connect(cluster.port(0), user(userId, name));
				StompTestClient plain = StompTestClient.connect(cluster.port(1), user("pia", "Pia"))) {
			Rooms.join(odd, room, Map.of("requestId", "odd"));
			JsonNode join = Rooms.join(plain, room, Map.of("requestId", "plain"));
			JsonNode snapshot = cluster.api(2).publisherGet("/api/rooms/" + room + "/presence").json();
			for (JsonNode members : List.of(join.path("members"), snapshot.path("members"))) {
				assertThat(sessions(members)).isEqualTo(Map.of(userId, 1, "pia", 1));
				for (JsonNode member : members) {
					String expected = member.path("userId").asString().equals(userId) ? name : "Pia";
					assertThat(member.path("name").asString()).isEqualTo(expected);
					assertThat(member.path("sessions").isInt()).as("sessions is a number: %s", member).isTrue();
				}
			}
		}
	}

	private static StompTestClient connect(List<StompTestClient> clients, int instance, String userId) {
		StompTestClient client = StompTestClient.connect(cluster.port(instance), user(userId, userId));
		clients.add(client);
		return client;
	}

	private static String user(String userId, String name) {
		return TestTokens.builder(userId).name(name).sign();
	}

	private static void assertEvent(JsonNode event, String type, String userId, int count) {
		assertThat(event.path("type").asString()).as("event %s", event).isEqualTo(type);
		assertThat(event.path("userId").asString()).as("event %s", event).isEqualTo(userId);
		assertThat(event.path("count").asInt()).as("event %s", event).isEqualTo(count);
		assertThat(event.path("roomId").asString()).isNotEmpty();
		assertThat(event.path("ts").asLong()).isPositive();
	}

}
