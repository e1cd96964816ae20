package dev.stompbox.connection;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.WebSocketSession;

import dev.stompbox.connection.delivery.DestinationSubscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The broker's subscriptions by exact destination, as the simple broker registers them.
 */
class DestinationSubscriptionsTests {

	private final ConnectionRegistry sessions = new ConnectionRegistry();

	private final DestinationSubscriptions registry = new DestinationSubscriptions(this.sessions);

	@BeforeEach
	void openSessions() {
		for (String id : List.of("s1", "s2", "s9")) {
			this.sessions.opened(session(id));
		}
	}

	@Test
	void findsEverySessionAndSubscriptionOfADestination() {
		subscribe("s1", "a", "/topic/rooms/lobby");
		subscribe("s1", "b", "/topic/rooms/lobby");
		subscribe("s2", "x", "/topic/rooms/lobby");
		subscribe("s2", "y", "/topic/rooms/other");

		assertThat(this.registry.subscribers("/topic/rooms/lobby"))
			.containsExactlyInAnyOrderEntriesOf(Map.of("s1", List.of("a", "b"), "s2", List.of("x")));
		assertThat(this.registry.findSubscriptions(message(SimpMessageType.MESSAGE, "s9", null, "/topic/rooms/other")))
			.containsExactlyEntriesOf(Map.of("s2", List.of("y")));
	}

	@Test
	void destinationsAreExactNotPatterns() {
		subscribe("s1", "a", "/topic/rooms/*");

		assertThat(this.registry.subscribers("/topic/rooms/lobby")).isEmpty();
	}

	@Test
	void unsubscribeRemovesOnlyThatSubscription() {
		subscribe("s1", "a", "/topic/rooms/lobby");
		subscribe("s1", "b", "/topic/rooms/lobby");

		this.registry.unregisterSubscription(message(SimpMessageType.UNSUBSCRIBE, "s1", "a", null));

		assertThat(this.registry.subscribers("/topic/rooms/lobby"))
			.containsExactlyEntriesOf(Map.of("s1", List.of("b")));
	}

	@Test
	void disconnectRemovesEverySubscriptionOfTheSessionAndEmptyDestinations() {
		subscribe("s1", "a", "/topic/rooms/lobby");
		subscribe("s1", "b", "/queue/acks-users1");
		subscribe("s2", "x", "/topic/rooms/lobby");

		this.registry.unregisterAllSubscriptions("s1");

		assertThat(this.registry.subscribers("/topic/rooms/lobby"))
			.containsExactlyEntriesOf(Map.of("s2", List.of("x")));
		assertThat(this.registry.subscribers("/queue/acks-users1")).isEmpty();
	}

	@Test
	void aReusedSubscriptionIdMovesToItsNewDestination() {
		subscribe("s1", "a", "/topic/rooms/lobby");
		subscribe("s1", "a", "/topic/rooms/other");

		assertThat(this.registry.subscribers("/topic/rooms/lobby")).isEmpty();
		assertThat(this.registry.subscribers("/topic/rooms/other"))
			.containsExactlyEntriesOf(Map.of("s1", List.of("a")));
	}

	/**
	 * Spring handles a closed session's DISCONNECT beside the frames it still had queued:
	 * a SUBSCRIBE handled after the session ended must not outlive its clean-up.
	 */
	@Test
	void aSessionThatHasEndedRegistersNothing() {
		subscribe("s1", "a", "/topic/rooms/lobby");
		this.sessions.closed(session("s1"));
		this.registry.unregisterAllSubscriptions("s1");

		subscribe("s1", "b", "/topic/rooms/lobby");
		subscribe("s1", "c", "/queue/acks-users1");

		assertThat(this.registry.subscribers("/topic/rooms/lobby")).isEmpty();
		assertThat(this.registry.subscribers("/queue/acks-users1")).isEmpty();
		assertThat(this.registry.sessions()).isZero();
		assertThat(this.registry.destinations()).isZero();
	}

	private static WebSocketSession session(String id) {
		WebSocketSession session = mock(WebSocketSession.class);
		given(session.getId()).willReturn(id);
		return session;
	}

	private void subscribe(String sessionId, String subscriptionId, String destination) {
		this.registry.registerSubscription(message(SimpMessageType.SUBSCRIBE, sessionId, subscriptionId, destination));
	}

	private static Message<byte[]> message(SimpMessageType type, String sessionId, String subscriptionId,
			String destination) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(type);
		headers.setSessionId(sessionId);
		if (subscriptionId != null) {
			headers.setSubscriptionId(subscriptionId);
		}
		if (destination != null) {
			headers.setDestination(destination);
		}
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

}
