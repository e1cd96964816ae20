package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RECEIPT of a SEND comes after its outcome, its ACK or its error, has been sent
 * (PROTOCOL.md section 4.3), whether the SEND was accepted (its ACK waits for the
 * publish), refused by its handler (not joined, bad JSON) or refused before it by the
 * rate limit. A client that waits for the RECEIPT then knows the outcome. Checked on the
 * wire, under load: a burst of SENDs, each with a receipt, in one go.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=50" })
class ReceiptOrderIntegrationTests {

	private static final int FRAMES = 300;

	private static final String ACKS = "/user/queue/acks";

	private static final String ERRORS = "/user/queue/errors";

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void theReceiptOfEverySendComesAfterItsAckOrError() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			RawFrames.subscribeAndAwaitReceipt(client, "acks", ACKS);
			RawFrames.subscribeAndAwaitReceipt(client, "errors", ERRORS);
			RawFrames.subscribeAndAwaitReceipt(client, "room", "/topic/rooms/lobby");
			client.send(withReceipt(RawFrames.send("/app/rooms/lobby/join", "{\"requestId\":\"join\"}"), "join"));
			RawFrames.awaitFrame(client, (frame) -> RawFrames.isReceipt(frame, "join"), null);
			StringBuilder burst = new StringBuilder();
			for (int i = 0; i < FRAMES; i++) {
				burst.append(withReceipt(request(i), "r" + i));
			}
			// One WebSocket message: the frames are queued for the session all at once.
			client.send(burst.toString());
			List<String> frames = new ArrayList<>();
			Set<String> receipts = new HashSet<>();
			while (receipts.size() < FRAMES) {
				String frame = client.nextCommandFrame();
				frames.add(frame);
				if ("RECEIPT".equals(RawFrames.command(frame))) {
					receipts.add(RawFrames.header(frame, "receipt-id"));
				}
			}
			assertOutcomesBeforeReceipts(frames);
		}
	}

	/**
	 * Every third SEND is accepted with a requestId; the others are refused in their
	 * handler: to a room not joined, or with a body that is not JSON. Past the burst
	 * budget of the rate limit, SENDs are refused before their handler.
	 */
	private static String request(int i) {
		return switch (i % 3) {
			case 0 -> RawFrames.send("/app/rooms/lobby/messages",
					"{\"requestId\":\"q" + i + "\",\"clientMsgId\":\"c" + i + "\",\"body\":" + i + "}");
			case 1 ->
				RawFrames.send("/app/rooms/elsewhere/messages", "{\"requestId\":\"q" + i + "\",\"body\":" + i + "}");
			default -> RawFrames.send("/app/rooms/bad" + i + "/messages", "{not json");
		};
	}

	private void assertOutcomesBeforeReceipts(List<String> frames) {
		Map<Integer, Integer> ackAt = new HashMap<>();
		Map<Integer, Integer> errorAt = new HashMap<>();
		Map<Integer, Integer> receiptAt = new HashMap<>();
		Set<String> outcomes = new HashSet<>();
		for (int position = 0; position < frames.size(); position++) {
			String frame = frames.get(position);
			if (RawFrames.isMessageOn(frame, ACKS)) {
				ackAt.put(requestNumber(frame), position);
			}
			else if (RawFrames.isMessageOn(frame, ERRORS)) {
				JsonNode error = this.json.readTree(RawFrames.body(frame));
				outcomes.add(error.path("error").asString());
				errorAt.put(requestNumber(frame), position);
			}
			else if ("RECEIPT".equals(RawFrames.command(frame))) {
				receiptAt.put(Integer.parseInt(RawFrames.header(frame, "receipt-id").substring(1)), position);
			}
		}
		assertThat(outcomes).as("refusals seen").contains("not-joined", "bad-request", "rate-limited");
		assertThat(ackAt.keySet().stream().filter((i) -> i % 3 == 0).count()).as("accepted and rate-limited SENDs")
			.isEqualTo(FRAMES / 3);
		for (int i = 0; i < FRAMES; i++) {
			int receipt = receiptAt.get(i);
			if (i % 3 != 2) {
				assertThat(ackAt).as("ACK of request %d", i).containsKey(i);
				assertThat(ackAt.get(i)).as("ACK of request %d before its RECEIPT", i).isLessThan(receipt);
			}
			if (i % 3 != 0) {
				assertThat(errorAt).as("error of request %d", i).containsKey(i);
			}
			if (errorAt.containsKey(i)) {
				assertThat(errorAt.get(i)).as("error of request %d before its RECEIPT", i).isLessThan(receipt);
			}
		}
	}

	/**
	 * The number of the request an ACK or error answers: from its requestId, else its
	 * destination.
	 */
	private int requestNumber(String frame) {
		JsonNode body = this.json.readTree(RawFrames.body(frame));
		JsonNode requestId = body.get("requestId");
		if (requestId != null && requestId.isString()) {
			// The join's ACK, which may come late, answers none of them.
			return requestId.asString().startsWith("q") ? Integer.parseInt(requestId.asString().substring(1)) : -1;
		}
		String destination = body.path("destination").asString();
		return Integer.parseInt(destination.substring("/app/rooms/bad".length(), destination.indexOf("/messages")));
	}

	private static String withReceipt(String frame, String receipt) {
		return frame.replaceFirst("\n", "\nreceipt:" + receipt + "\n");
	}

	@Test
	void connectedComesBeforeTheReceiptsOfFramesSentWithTheConnect() {
		for (int round = 0; round < 20; round++) {
			try (RawStompSocket client = RawStompSocket.open(this.port, "/ws")) {
				StringBuilder message = new StringBuilder(
						RawFrames.connect(TestTokens.forUser("eager-" + round), "0,0"));
				for (int i = 0; i < 5; i++) {
					message.append(RawFrames.subscribe("s" + i, "/user/queue/errors", "r" + i));
				}
				client.send(message.toString());
				assertThat(RawFrames.command(client.nextCommandFrame())).as("round %d", round).isEqualTo("CONNECTED");
				Set<String> receipts = new HashSet<>();
				for (int i = 0; i < 5; i++) {
					String frame = client.nextCommandFrame();
					assertThat(RawFrames.command(frame)).as(frame).isEqualTo("RECEIPT");
					receipts.add(RawFrames.header(frame, "receipt-id"));
				}
				assertThat(receipts).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4");
			}
		}
	}

	@Test
	void aDisconnectsReceiptComesAfterTheErrorsOfTheFramesBeforeIt() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("leaving"))) {
			RawFrames.subscribeAndAwaitReceipt(client, "errors", "/user/queue/errors");
			int refused = 40;
			for (int i = 0; i < refused; i++) {
				client.send(RawFrames.send("/app/rooms/not-joined-" + i + "/messages", "{\"body\":" + i + "}"));
			}
			List<String> before = new ArrayList<>();
			client.send(RawFrames.disconnect("bye"));
			RawFrames.awaitFrame(client, (frame) -> RawFrames.isReceipt(frame, "bye"), before);
			assertThat(before).filteredOn((frame) -> RawFrames.isMessageOn(frame, "/user/queue/errors"))
				.hasSize(refused);
		}
	}

}
