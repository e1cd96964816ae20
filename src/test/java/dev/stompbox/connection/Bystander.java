package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;

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
final class Bystander implements AutoCloseable {

	private final StompTestClient client;

	private final String roomId;

	private final BlockingQueue<Received> room;

	private Bystander(StompTestClient client, String roomId, BlockingQueue<Received> room) {
		this.client = client;
		this.roomId = roomId;
		this.room = room;
	}

	/**
	 * Connects as a user of its own ({@code bystander-...}: a user's next connection
	 * inherits its last one's rate bucket), subscribes to the room and joins it.
	 */
	static Bystander inRoom(int port, String roomId) {
		StompTestClient client = StompTestClient.connect(port,
				TestTokens.forUser("bystander-" + java.util.UUID.randomUUID()));
		try {
			return new Bystander(client, roomId, client.subscribeAndJoin(roomId));
		}
		catch (RuntimeException | AssertionError ex) {
			client.close();
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
