package dev.stompbox.client;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ServerApi;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backend's event for a user (PROTOCOL.md section 7.1) reaches every session of that
 * user, and only them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class UserEventsIntegrationTests {

	@LocalServerPort
	int port;

	@OverBothTransports
	void backendEventReachesBothTabsOfTheUserAndNoOneElse(Transport transport) {
		String alice = Fixtures.user("alice");
		String carol = Fixtures.user("carol");
		try (StompTestClient tab1 = Fixtures.connectAs(this.port, alice, transport);
				StompTestClient tab2 = Fixtures.connectAs(this.port, alice, transport);
				StompTestClient other = Fixtures.connectAs(this.port, carol, transport)) {
			tab1.ensureUserQueues();
			tab2.ensureUserQueues();
			other.ensureUserQueues();
			long before = System.currentTimeMillis();
			assertThat(ServerApi.on(this.port).publisherPost("/api/users/" + alice + "/events", """
					{"type": "notification", "body": {"text": "you have mail", "count": 3}}""").status())
				.isEqualTo(202);
			for (StompTestClient tab : new StompTestClient[] { tab1, tab2 }) {
				JsonNode event = Fixtures.next(tab.queue("/user/queue/events"), "events of " + tab.sessionId());
				assertThat(event.propertyNames()).containsExactlyInAnyOrder("type", "body", "ts");
				assertThat(event.path("type").asString()).isEqualTo("notification");
				assertThat(event.path("body")).isEqualTo(Fixtures.json("{\"text\": \"you have mail\", \"count\": 3}"));
				assertThat(event.path("ts").asLong()).isBetween(before, System.currentTimeMillis());
			}
			// An event for carol after alice's is the marker: alice's would have come
			// first.
			assertThat(ServerApi.on(this.port)
				.publisherPost("/api/users/" + carol + "/events", "{\"type\": \"marker\", \"body\": null}")
				.status()).isEqualTo(202);
			JsonNode atCarol = Fixtures.next(other.queue("/user/queue/events"), "carol's events");
			assertThat(atCarol.path("type").asString()).isEqualTo("marker");
			Fixtures.assertNothingMore(tab1.queue("/user/queue/events"), "alice's first tab");
			Fixtures.assertNothingMore(tab2.queue("/user/queue/events"), "alice's second tab");
		}
	}

}
