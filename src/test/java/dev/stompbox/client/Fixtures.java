package dev.stompbox.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Queueing;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

/**
 * What the room tests share: fresh room and user ids (the tests share one server), and
 * checks that nothing more arrived.
 */
final class Fixtures {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * How long to keep polling for a message that must not come. Only used after a later
	 * marker has arrived on the same connection, so a wrong message would already be
	 * queued.
	 */
	static final Duration NOTHING_MORE = Duration.ofMillis(300);

	private Fixtures() {
	}

	/** A room id no other test uses. */
	static String room(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** A user id no other test uses. */
	static String user(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Connects a user no other test uses, {@code prefix-...}, over {@code /ws}. */
	static StompTestClient connectNewUser(int port, String prefix) {
		return connectNewUser(port, prefix, Transport.WEBSOCKET);
	}

	/** Connects a user no other test uses, {@code prefix-...}, over the transport. */
	static StompTestClient connectNewUser(int port, String prefix, Transport transport) {
		return StompTestClient.connect(port, TestTokens.forUser(user(prefix)), transport);
	}

	/** Connects the user (another tab of it, say). */
	static StompTestClient connectAs(int port, String userId, Transport transport) {
		return StompTestClient.connect(port, TestTokens.forUser(userId), transport);
	}

	/** Connects the user with a token carrying its display name. */
	static StompTestClient connectAs(int port, String userId, String name, Transport transport) {
		return StompTestClient.connect(port, TestTokens.builder(userId).name(name).sign(), transport);
	}

	static List<String> ids(JsonNode envelopes) {
		List<String> ids = new ArrayList<>();
		envelopes.forEach((envelope) -> ids.add(envelope.path("id").asString()));
		return ids;
	}

	/** The next message on a queue, failing when none arrives within the test timeout. */
	static JsonNode next(BlockingQueue<Received> queue, String what) {
		return StompTestClient.awaitOn(queue, (message) -> true, what);
	}

	/** Fails if anything is (or within {@link #NOTHING_MORE} gets) queued. */
	static void assertNothingMore(BlockingQueue<Received> queue, String what) {
		Received extra = StompTestClient.poll(queue, NOTHING_MORE);
		if (extra != null) {
			throw new AssertionError("Nothing more expected on " + what + " but got " + extra.text());
		}
	}

	/**
	 * Subscribes with a receipt, waits for it, and returns the subscription to end it.
	 */
	static StompSession.Subscription subscribe(StompTestClient client, String destination,
			BlockingQueue<Received> queue) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.setReceipt("sub-" + UUID.randomUUID());
		StompSession.Subscription subscription = client.session().subscribe(headers, new Queueing(queue));
		awaitReceipt(subscription, "SUBSCRIBE " + destination);
		return subscription;
	}

	/** Waits for the RECEIPT of a frame sent with a {@code receipt} header. */
	static void awaitReceipt(StompSession.Receiptable receiptable, String what) {
		CompletableFuture<Void> receipted = new CompletableFuture<>();
		receiptable.addReceiptTask(() -> receipted.complete(null));
		receiptable
			.addReceiptLostTask(() -> receipted.completeExceptionally(new AssertionError("No RECEIPT for " + what)));
		try {
			receipted.get(StompTestClient.TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No RECEIPT for " + what, ex);
		}
	}

	static BlockingQueue<Received> newQueue() {
		return new LinkedBlockingQueue<>();
	}

	static JsonNode json(String text) {
		return JSON.readTree(text);
	}

}
