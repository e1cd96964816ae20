package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.connection.RawFrames.awaitFrame;
import static dev.stompbox.connection.RawFrames.body;
import static dev.stompbox.connection.RawFrames.command;
import static dev.stompbox.connection.RawFrames.isMessageOn;
import static dev.stompbox.connection.RawFrames.isReceipt;
import static dev.stompbox.connection.RawFrames.subscribe;
import static dev.stompbox.connection.RawFrames.subscribeAndAwaitReceipt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code STOMPBOX_MAX_SUBSCRIPTIONS} (PROTOCOL.md section 6): a SUBSCRIBE beyond the
 * session's limit is not registered and is answered {@code limit-exceeded} on
 * {@code /user/queue/errors}; the connection stays. Only registered subscriptions count.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { TestTokens.SECRET_PROPERTY,
		"stompbox.max-subscriptions=" + SubscriptionLimitIntegrationTests.LIMIT })
class SubscriptionLimitIntegrationTests {

	/** Above the bystander's five: its four user queues and its room. */
	static final int LIMIT = 6;

	private static final String ERRORS = "/user/queue/errors";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	private RawStompSocket socket;

	@RegisterExtension
	final Bystander bystander = Bystander.inRoomForEachTest("limits-bystander");

	@BeforeEach
	void connect() {
		this.socket = RawStompSocket.connected(this.port, TestTokens.forUser("subscriber"));
	}

	@AfterEach
	void close() {
		this.socket.close();
	}

	@Test
	void subscriptionBeyondTheLimitIsRefusedNotRegisteredAndTheConnectionStays() {
		subscribeUpToTheLimit();
		this.socket.send(subscribe("over", "/topic/rooms/limits-over", "receipt-over"));
		JsonNode error = awaitError();
		assertThat(error.path("error").asString()).isEqualTo("limit-exceeded");
		assertThat(error.path("destination").asString()).isEqualTo("/topic/rooms/limits-over");
		assertThat(error.path("message").asString()).isNotBlank();
		// Not registered: a message to that room does not reach this connection.
		this.bystander.client().subscribeAndJoin("limits-over");
		this.bystander.client()
			.send("/app/rooms/limits-over/messages",
					java.util.Map.of("requestId", "to-over", "body", "not for the refused subscription"));
		assertThat(this.bystander.client().awaitAck("to-over").path("ok").asBoolean()).isTrue();
		List<String> skipped = new ArrayList<>();
		this.socket.send(RawFrames.disconnect("bye"));
		awaitFrame(this.socket, (frame) -> isReceipt(frame, "bye"), skipped);
		assertThat(skipped).noneMatch((frame) -> isReceipt(frame, "receipt-over"))
			.noneMatch((frame) -> isMessageOn(frame, "/topic/rooms/limits-over"))
			.noneMatch((frame) -> "ERROR".equals(command(frame)));
		this.bystander.assertUnaffected();
	}

	@Test
	void connectionStaysUsableAfterARefusal() {
		subscribeUpToTheLimit();
		assertOneMoreSubscriptionIsRefused();
		this.socket.send(RawFrames.send("/app/rooms/limits-1/join", "{\"requestId\":\"j\"}"));
		this.socket
			.send(RawFrames.send("/app/rooms/limits-1/messages", "{\"requestId\":\"m\",\"body\":\"still here\"}"));
		String message = awaitFrame(this.socket, (frame) -> isMessageOn(frame, "/topic/rooms/limits-1"), null);
		assertThat(body(message)).contains("still here");
		assertThat(this.socket.isOpen()).isTrue();
	}

	@Test
	void unsubscribeFreesASlot() {
		subscribeUpToTheLimit();
		this.socket.send("UNSUBSCRIBE\nid:s1\n\n" + RawFrames.NUL);
		subscribeAndAwaitReceipt(this.socket, "fresh", "/topic/rooms/limits-fresh");
		assertOneMoreSubscriptionIsRefused();
	}

	@Test
	void subscribeWithAnIdInUseReplacesThatSubscriptionAndTakesNoSlot() {
		subscribeUpToTheLimit();
		for (int round = 0; round < 3; round++) {
			subscribeAndAwaitReceipt(this.socket, "s1", "/topic/rooms/limits-again-" + round);
		}
		assertOneMoreSubscriptionIsRefused();
	}

	@Test
	void refusedAndOneShotSubscriptionsAreNotCounted() {
		subscribeAndAwaitReceipt(this.socket, "errors", ERRORS);
		for (int i = 0; i < 2 * LIMIT; i++) {
			this.socket.send(subscribe("forbidden-" + i, "/topic/not-a-room-" + i, "receipt-forbidden-" + i));
			assertThat(awaitError().path("error").asString()).isEqualTo("forbidden");
			String receipt = "receipt-instance-" + i;
			this.socket.send(subscribe("instance-" + i, "/app/instance", receipt));
			awaitFrame(this.socket, (frame) -> isReceipt(frame, receipt), null);
		}
		for (int i = 1; i < LIMIT; i++) {
			subscribeAndAwaitReceipt(this.socket, "s" + i, "/topic/rooms/limits-" + i);
		}
		assertOneMoreSubscriptionIsRefused();
	}

	private JsonNode awaitError() {
		String frame = awaitFrame(this.socket,
				(candidate) -> isMessageOn(candidate, "/user/queue/errors") || "ERROR".equals(command(candidate)),
				null);
		assertThat(command(frame)).as(frame).isEqualTo("MESSAGE");
		return JSON.readTree(body(frame));
	}

	/** A SUBSCRIBE to one more room is answered {@code limit-exceeded}. */
	private void assertOneMoreSubscriptionIsRefused() {
		this.socket.send(subscribe("over", "/topic/rooms/limits-over", "receipt-over"));
		assertThat(awaitError().path("error").asString()).isEqualTo("limit-exceeded");
	}

	/** Subscribes to the errors queue and to rooms until the session is at its limit. */
	private void subscribeUpToTheLimit() {
		subscribeAndAwaitReceipt(this.socket, "errors", ERRORS);
		for (int i = 1; i < LIMIT; i++) {
			subscribeAndAwaitReceipt(this.socket, "s" + i, "/topic/rooms/limits-" + i);
		}
	}

}
