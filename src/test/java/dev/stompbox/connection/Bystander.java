package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A well-behaved client connected while another one misbehaves. PROTOCOL.md section 5: no
 * bad input from one client affects another client's connection, so after the bad input
 * this client must still be connected, have been told nothing, and still get room
 * messages.
 */
final class Bystander implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

	private final String roomId;

	private StompTestClient client;

	private BlockingQueue<Received> room;

	private Bystander(String roomId) {
		this.roomId = roomId;
	}

	/**
	 * Connects as a user of its own ({@code bystander-...}: a user's next connection
	 * inherits its last one's rate bucket), subscribes to the room and joins it.
	 */
	static Bystander inRoom(int port, String roomId) {
		Bystander bystander = new Bystander(roomId);
		bystander.connect(port);
		return bystander;
	}

	/**
	 * A bystander for {@code @RegisterExtension}: in the room before each test of a
	 * {@code @SpringBootTest} on a random port (before its {@code @BeforeEach} methods),
	 * gone after it.
	 */
	static Bystander inRoomForEachTest(String roomId) {
		return new Bystander(roomId);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		connect(SpringExtension.getApplicationContext(context)
			.getEnvironment()
			.getRequiredProperty("local.server.port", Integer.class));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

	private void connect(int port) {
		this.client = StompTestClient.connect(port, TestTokens.forUser("bystander-" + UUID.randomUUID()));
		try {
			this.room = this.client.subscribeAndJoin(this.roomId);
		}
		catch (RuntimeException | AssertionError ex) {
			this.client.close();
			throw ex;
		}
	}

	StompTestClient client() {
		return this.client;
	}

	/**
	 * Checks that this client noticed nothing: it is connected, got no ERROR frame, error
	 * or system notice, and a room message sent now reaches it. Returns the room messages
	 * that arrived before that one, for tests that check what the misbehaving client got
	 * through.
	 */
	List<JsonNode> assertUnaffected() {
		assertThat(this.client.isConnected()).as("bystander connected").isTrue();
		assertThat(this.client.lost()).as("bystander connection lost").isNotDone();
		assertThat(this.client.errorFrames()).as("ERROR frames at the bystander").isEmpty();
		String marker = "check-" + UUID.randomUUID();
		this.client.send("/app/rooms/" + this.roomId + "/messages",
				Map.of("requestId", marker, "clientMsgId", marker, "body", Map.of("text", marker)));
		assertThat(this.client.awaitAck(marker).path("ok").asBoolean()).as("bystander's send ACKed").isTrue();
		List<JsonNode> before = new ArrayList<>();
		while (true) {
			Received received = StompTestClient.poll(this.room, StompTestClient.TIMEOUT);
			assertThat(received).as("room message " + marker + " at the bystander; before it: " + before).isNotNull();
			JsonNode message = received.json();
			if (marker.equals(message.path("clientMsgId").asString())) {
				break;
			}
			before.add(message);
		}
		assertThat(this.client.queue("/user/queue/errors")).as("errors at the bystander").isEmpty();
		assertThat(this.client.queue("/user/queue/system")).as("system notices at the bystander").isEmpty();
		assertThat(this.client.errorFrames()).as("ERROR frames at the bystander").isEmpty();
		return before;
	}

	@Override
	public void close() {
		this.client.close();
	}

}
