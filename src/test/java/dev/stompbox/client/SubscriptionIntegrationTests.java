package dev.stompbox.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.ServerApi;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 4.1, step 1: SUBSCRIBE, UNSUBSCRIBE, SEND and DISCONNECT with a
 * {@code receipt} header are answered with a RECEIPT, and a subscription ends with its
 * UNSUBSCRIBE.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class SubscriptionIntegrationTests {

	@LocalServerPort
	int port;

	@OverBothTransports
	void subscribeWithReceiptIsReceiptedForRoomsAndUserQueuesAlike(Transport transport) {
		String room = Fixtures.room("sub");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "sub", transport)) {
			for (String destination : new String[] { "/topic/rooms/" + room, "/topic/rooms/" + room + "/presence",
					"/app/rooms/" + room + "/presence", "/user/queue/acks", "/user/queue/errors", "/user/queue/system",
					"/user/queue/events" }) {
				// Fails unless the RECEIPT arrives.
				Fixtures.subscribe(client, destination, Fixtures.newQueue());
			}
		}
	}

	@OverBothTransports
	void unsubscribeWithReceiptIsReceiptedAndEndsDelivery(Transport transport) {
		String room = Fixtures.room("unsub");
		String markerRoom = Fixtures.room("marker");
		try (StompTestClient listener = Fixtures.connectNewUser(this.port, "lis", transport);
				StompTestClient sender = Fixtures.connectNewUser(this.port, "snd", transport)) {
			BlockingQueue<Received> messages = Fixtures.newQueue();
			StompSession.Subscription subscription = Fixtures.subscribe(listener, "/topic/rooms/" + room, messages);
			listener.join(room);
			BlockingQueue<Received> markers = listener.subscribeAndJoin(markerRoom);
			sender.join(room);
			sender.join(markerRoom);
			sender.send("/app/rooms/" + room + "/messages", Map.of("body", "before"));
			assertThat(Fixtures.next(messages, "room before UNSUBSCRIBE").path("body").asString()).isEqualTo("before");

			StompHeaders unsubscribe = new StompHeaders();
			unsubscribe.setReceipt("unsub-1");
			Fixtures.awaitReceipt(subscription.unsubscribe(unsubscribe), "UNSUBSCRIBE");

			sender.send("/app/rooms/" + room + "/messages", Map.of("requestId", "after", "body", "after"));
			assertThat(sender.awaitAck("after").path("ok").asBoolean()).isTrue();
			sender.send("/app/rooms/" + markerRoom + "/messages", Map.of("body", "marker"));
			assertThat(Fixtures.next(markers, "marker room").path("body").asString()).isEqualTo("marker");
			Fixtures.assertNothingMore(messages, "the room after UNSUBSCRIBE");
		}
	}

	@OverBothTransports
	void sendWithReceiptIsReceipted(Transport transport) {
		String room = Fixtures.room("sendr");
		try (StompTestClient client = Fixtures.connectNewUser(this.port, "sr", transport)) {
			BlockingQueue<Received> messages = client.subscribeAndJoin(room);
			StompHeaders headers = new StompHeaders();
			headers.setDestination("/app/rooms/" + room + "/messages");
			headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
			headers.setReceipt("send-1");
			Fixtures.awaitReceipt(
					client.session().send(headers, "{\"body\": \"receipted\"}".getBytes(StandardCharsets.UTF_8)),
					"SEND");
			assertThat(Fixtures.next(messages, "room").path("body").asString()).isEqualTo("receipted");
		}
	}

	/** Spring's client closes at once on DISCONNECT, so this one speaks STOMP by hand. */
	@Test
	void disconnectWithReceiptIsReceiptedBeforeTheConnectionCloses() {
		try (RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser(Fixtures.user("raw")))) {
			socket.send("DISCONNECT\nreceipt:bye-1\n\n\u0000");
			String frame = socket.nextCommandFrame();
			assertThat(frame).startsWith("RECEIPT\n").contains("\nreceipt-id:bye-1\n");
		}
	}

	/**
	 * The same over raw frames: nothing from the client library hides or adds a RECEIPT.
	 */
	@Test
	void rawSubscribeAndUnsubscribeWithReceiptsAreReceiptedInOrder() {
		String room = Fixtures.room("raw");
		try (RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser(Fixtures.user("raw")))) {
			socket.send("SUBSCRIBE\nid:1\ndestination:/topic/rooms/" + room + "\nreceipt:s-1\n\n\u0000");
			assertThat(socket.nextCommandFrame()).startsWith("RECEIPT\n").contains("\nreceipt-id:s-1\n");
			socket.send("SUBSCRIBE\nid:2\ndestination:/user/queue/acks\nreceipt:s-2\n\n\u0000");
			assertThat(socket.nextCommandFrame()).startsWith("RECEIPT\n").contains("\nreceipt-id:s-2\n");
			socket.send("UNSUBSCRIBE\nid:1\nreceipt:u-1\n\n\u0000");
			assertThat(socket.nextCommandFrame()).startsWith("RECEIPT\n").contains("\nreceipt-id:u-1\n");
		}
	}

	@OverBothTransports
	void subscriptionToARoomTheTokenDoesNotAllowIsRefusedAndNotRegistered(Transport transport) {
		String allowed = Fixtures.room("allowed");
		String other = Fixtures.room("other");
		try (StompTestClient client = StompTestClient.connect(this.port,
				TestTokens.builder(Fixtures.user("limited")).rooms("allowed-*").sign(), transport)) {
			client.ensureUserQueues();
			BlockingQueue<Received> refused = client.subscribeNoWait("/topic/rooms/" + other, false);
			JsonNode error = client.awaitError();
			assertThat(error.path("error").asString()).isEqualTo("forbidden");
			assertThat(error.path("destination").asString()).isEqualTo("/topic/rooms/" + other);
			assertThat(error.path("message").asString()).isNotBlank();
			BlockingQueue<Received> messages = client.subscribeAndJoin(allowed);

			ServerApi api = ServerApi.on(this.port);
			assertThat(api.publisherPost("/api/rooms/" + other + "/messages", "{\"body\": \"secret\"}").status())
				.isEqualTo(202);
			assertThat(api.publisherPost("/api/rooms/" + allowed + "/messages", "{\"body\": \"marker\"}").status())
				.isEqualTo(202);
			assertThat(Fixtures.next(messages, "allowed room").path("body").asString()).isEqualTo("marker");
			Fixtures.assertNothingMore(refused, "the refused room subscription");
			assertThat(client.isConnected()).as("a refused SUBSCRIBE leaves the connection open").isTrue();
		}
	}

}
