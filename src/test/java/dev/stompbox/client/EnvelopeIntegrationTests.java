package dev.stompbox.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ServerApi;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * PROTOCOL.md section 3: message ids and the envelope every room message is delivered in.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class EnvelopeIntegrationTests {

	/** How clients compare ids: by (millis, seq) as numbers, never as strings. */
	static final Comparator<String> BY_MILLIS_THEN_SEQ = Comparator
		.<String>comparingLong((id) -> Long.parseLong(id.substring(0, id.indexOf('-'))))
		.thenComparingLong((id) -> Long.parseLong(id.substring(id.indexOf('-') + 1)));

	@LocalServerPort
	int port;

	@OverBothTransports
	void envelopeHasServerStampedIdFromAndTsBesideTheSendersTypeBodyAndClientMsgId(Transport transport) {
		String room = Fixtures.room("env");
		String alice = Fixtures.user("alice");
		try (StompTestClient sender = Fixtures.connectAs(this.port, alice, "Alice", transport);
				StompTestClient receiver = Fixtures.connectNewUser(this.port, "bob", transport);
				StompTestClient listener = Fixtures.connectNewUser(this.port, "lis", transport)) {
			BlockingQueue<Received> atSender = sender.subscribeAndJoin(room);
			BlockingQueue<Received> atReceiver = receiver.subscribeAndJoin(room);
			// Subscribed without joining: delivery goes to every subscriber.
			BlockingQueue<Received> atListener = listener.subscribe("/topic/rooms/" + room);
			long before = System.currentTimeMillis();
			sender.send("/app/rooms/" + room + "/messages", """
					{"requestId": "s1", "clientMsgId": "c-42", "type": "chat", "body": {"text": "hi"}}""");
			JsonNode ack = sender.awaitAck("s1");
			Received received = StompTestClient.poll(atReceiver, StompTestClient.TIMEOUT);
			assertThat(received).as("the message at the receiver").isNotNull();
			long after = System.currentTimeMillis();
			assertThat(received.headers().getContentType()).isNotNull();
			assertThat(received.headers().getContentType().isCompatibleWith(MimeTypeUtils.APPLICATION_JSON)).isTrue();
			JsonNode envelope = received.json();
			assertThat(envelope.propertyNames()).containsExactlyInAnyOrder("id", "roomId", "type", "from", "body", "ts",
					"clientMsgId");
			assertThat(envelope.path("id").asString()).matches("\\d+-\\d+").isEqualTo(ack.path("id").asString());
			assertThat(envelope.path("roomId").asString()).isEqualTo(room);
			assertThat(envelope.path("type").asString()).isEqualTo("chat");
			assertThat(envelope.path("from"))
				.isEqualTo(Fixtures.json("{\"userId\": \"" + alice + "\", \"name\": \"Alice\"}"));
			assertThat(envelope.path("body")).isEqualTo(Fixtures.json("{\"text\": \"hi\"}"));
			assertThat(envelope.path("ts").isIntegralNumber()).isTrue();
			assertThat(envelope.path("ts").asLong()).isBetween(before, after);
			assertThat(envelope.path("clientMsgId").asString()).isEqualTo("c-42");
			assertThat(Fixtures.next(atSender, "the sender's own subscription")).isEqualTo(envelope);
			assertThat(Fixtures.next(atListener, "a subscriber that did not join")).isEqualTo(envelope);
		}
	}

	@OverBothTransports
	void typeDefaultsToMessageAndClientMsgIdIsLeftOutWhenNotGiven(Transport transport) {
		String room = Fixtures.room("env");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "carol", transport)) {
			BlockingQueue<Received> messages = client.subscribeAndJoin(room);
			client.send("/app/rooms/" + room + "/messages", "{\"body\": {\"text\": \"plain\"}}");
			JsonNode envelope = Fixtures.next(messages, "room");
			assertThat(envelope.path("type").asString()).isEqualTo("message");
			assertThat(envelope.has("clientMsgId")).as("clientMsgId echoed only when given: %s", envelope).isFalse();
			assertThat(envelope.path("body").path("text").asString()).isEqualTo("plain");
		}
	}

	@OverBothTransports
	void bodyMayBeAnyJsonValueAndArrivesUnchanged(Transport transport) {
		String room = Fixtures.room("env");
		List<String> bodies = List.of("{\"text\": \"hi\", \"nested\": {\"list\": [1, 2.5, \"x\", null, false]}}",
				"\"just a string\"", "42", "-3.25", "[1, \"two\", {\"three\": 3}]", "true", "{}", "[]",
				"\"unicode: \\u00e9\\u4e2d \ud83d\ude00\"");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "dave", transport)) {
			BlockingQueue<Received> messages = client.subscribeAndJoin(room);
			for (String body : bodies) {
				client.send("/app/rooms/" + room + "/messages", "{\"body\": " + body + "}");
			}
			for (String body : bodies) {
				JsonNode envelope = Fixtures.next(messages, "room");
				assertThat(envelope.path("body")).as("body sent as %s", body).isEqualTo(Fixtures.json(body));
			}
		}
	}

	@OverBothTransports
	void fromIdTsAndRoomIdAreNeverTakenFromTheClient(Transport transport) {
		String room = Fixtures.room("env");
		String mallory = Fixtures.user("mallory");
		try (StompTestClient client = Fixtures.connectAs(this.port, mallory, "Mallory", transport)) {
			BlockingQueue<Received> messages = client.subscribeAndJoin(room);
			client.send("/app/rooms/" + room + "/messages", """
					{"requestId": "forged", "from": {"userId": "alice", "name": "Alice"}, "id": "1-0", "ts": 1,
					 "roomId": "elsewhere", "body": {"text": "trust me"}}""");
			JsonNode ack = client.awaitAck("forged");
			JsonNode envelope = Fixtures.next(messages, "room");
			assertThat(envelope.path("from").path("userId").asString()).isEqualTo(mallory);
			assertThat(envelope.path("from").path("name").asString()).isEqualTo("Mallory");
			assertThat(envelope.path("id").asString()).isEqualTo(ack.path("id").asString()).isNotEqualTo("1-0");
			assertThat(envelope.path("ts").asLong()).isGreaterThan(1);
			assertThat(envelope.path("roomId").asString()).isEqualTo(room);
			assertThat(envelope.path("body")).isEqualTo(Fixtures.json("{\"text\": \"trust me\"}"));
		}
	}

	@Test
	void fromCarriesAUserIdOfUpTo128Characters() {
		String room = Fixtures.room("env");
		String longest = Fixtures.user("u") + "x".repeat(128 - Fixtures.user("u").length());
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser(longest))) {
			BlockingQueue<Received> messages = client.subscribeAndJoin(room);
			client.send("/app/rooms/" + room + "/messages", Map.of("body", "long"));
			assertThat(Fixtures.next(messages, "room").path("from").path("userId").asString()).isEqualTo(longest);
		}
	}

	@Test
	void tokenWithAUserIdLongerThan128CharactersIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> StompTestClient.connect(this.port, TestTokens.forUser("x".repeat(129))).close());
	}

	@OverBothTransports
	void idsStrictlyIncreaseInDeliveryOrderWithManySendersSendingFast(Transport transport) throws Exception {
		String room = Fixtures.room("ids");
		int senders = 3;
		// Below the burst a session may send (twice the default rate of 50 a second).
		int perSender = 60;
		int fromApi = 60;
		List<StompTestClient> clients = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(senders + 1);
		try (StompTestClient observer = Fixtures.connectNewUser(this.port, "obs", transport)) {
			BlockingQueue<Received> observed = observer.subscribeAndJoin(room);
			for (int i = 0; i < senders; i++) {
				StompTestClient sender = Fixtures.connectNewUser(this.port, "fast", transport);
				clients.add(sender);
				sender.join(room);
			}
			List<CompletableFuture<Void>> sending = new ArrayList<>();
			for (int i = 0; i < senders; i++) {
				StompTestClient sender = clients.get(i);
				int senderIndex = i;
				sending.add(CompletableFuture.runAsync(() -> {
					for (int n = 0; n < perSender; n++) {
						sender.send("/app/rooms/" + room + "/messages",
								Map.of("requestId", "s" + n, "body", Map.of("sender", senderIndex, "n", n)));
					}
				}, pool));
			}
			sending.add(CompletableFuture.runAsync(() -> {
				for (int n = 0; n < fromApi; n++) {
					assertThat(ServerApi.on(this.port)
						.publisherPost("/api/rooms/" + room + "/messages", "{\"type\": \"api\", \"body\": " + n + "}")
						.status()).isEqualTo(202);
				}
			}, pool));
			CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

			List<String> ids = new ArrayList<>();
			for (int i = 0; i < senders * perSender + fromApi; i++) {
				ids.add(Fixtures.next(observed, "observer's room subscription after " + i + " messages")
					.path("id")
					.asString());
			}
			for (int i = 1; i < ids.size(); i++) {
				assertThat(BY_MILLIS_THEN_SEQ.compare(ids.get(i - 1), ids.get(i)))
					.as("id %s delivered after %s", ids.get(i), ids.get(i - 1))
					.isNegative();
			}
			Set<String> acked = new HashSet<>();
			for (StompTestClient sender : clients) {
				String previous = null;
				for (int n = 0; n < perSender; n++) {
					String id = sender.awaitAck("s" + n).path("id").asString();
					if (previous != null) {
						assertThat(BY_MILLIS_THEN_SEQ.compare(previous, id)).as("ACK ids of one sender").isNegative();
					}
					previous = id;
					acked.add(id);
				}
			}
			assertThat(ids).containsAll(acked);
		}
		finally {
			clients.forEach(StompTestClient::close);
			pool.shutdownNow();
		}
	}

}
