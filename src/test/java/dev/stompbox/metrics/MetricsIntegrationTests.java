package dev.stompbox.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.metrics.PrometheusScrape.Sample;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code /actuator/prometheus} shows of Stompbox's own meters after real traffic, on
 * a single node. Counters are compared with a scrape taken before the traffic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.instance-id=metrics-test", "stompbox.rate-limit=5" })
class MetricsIntegrationTests {

	private static final String ROOM = "metrics-room";

	@LocalServerPort
	int port;

	@Test
	void connectJoinSendAndCloseAreCountedByKind() {
		PrometheusScrape before = scrape();
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("meg"))) {
			client.ensureUserQueues();
			client.send("/app/rooms/" + ROOM + "/messages", Map.of("requestId", "early", "body", "too soon"));
			assertThat(client.awaitError().path("error").asString()).isEqualTo("not-joined");
			BlockingQueue<Received> messages = client.subscribeAndJoin(ROOM);
			client.send("/app/rooms/" + ROOM + "/messages", Map.of("requestId", "s1", "body", Map.of("text", "hi")));
			assertThat(client.awaitAck("s1").path("ok").asBoolean()).isTrue();
			StompTestClient.awaitOn(messages, (message) -> true, "room");

			PrometheusScrape during = scrape();
			assertThat(during.since(before, "stompbox_connects_total")).isEqualTo(1);
			assertThat(during.value("stompbox_connections")).isEqualTo(1);
			assertThat(during.value("stompbox_presence_sessions")).isEqualTo(1);
			assertThat(during.since(before, "stompbox_messages_inbound_total", "kind", "send")).isEqualTo(2);
			assertThat(during.since(before, "stompbox_messages_inbound_total", "kind", "join")).isEqualTo(1);
			// Four user queues and the room.
			assertThat(during.since(before, "stompbox_messages_inbound_total", "kind", "subscribe")).isEqualTo(5);
			assertThat(during.since(before, "stompbox_messages_inbound_total", "kind", "other")).isEqualTo(1);
			// The failure ACK of the early send, the join ACK and the send ACK.
			assertThat(during.since(before, "stompbox_messages_outbound_total", "kind", "ack")).isEqualTo(3);
			assertThat(during.since(before, "stompbox_messages_outbound_total", "kind", "error")).isEqualTo(1);
			assertThat(during.since(before, "stompbox_messages_outbound_total", "kind", "room")).isEqualTo(1);
			assertThat(during.since(before, "stompbox_errors_total", "code", "not-joined")).isEqualTo(1);
			assertThat(during.since(before, "stompbox_relay_publish_seconds_count", "mode", "memory", "outcome", "ok"))
				.isEqualTo(1);
			assertThat(during.since(before, "stompbox_relay_lag_seconds_count")).isEqualTo(1);
		}
		await().atMost(StompTestClient.TIMEOUT).untilAsserted(() -> {
			PrometheusScrape after = scrape();
			assertThat(after.value("stompbox_connections")).isZero();
			assertThat(after.value("stompbox_presence_sessions")).isZero();
			assertThat(after.since(before, "stompbox_disconnects_total", "reason", "normal")).isEqualTo(1);
		});
	}

	@Test
	void relayTimersHavePercentilesAndHistogramBuckets() {
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("percy"))) {
			client.subscribeAndJoin(ROOM);
			client.send("/app/rooms/" + ROOM + "/messages", Map.of("requestId", "p1", "body", "timed"));
			client.awaitAck("p1");
		}
		PrometheusScrape scrape = scrape();
		for (String phi : List.of("0.5", "0.99", "0.999")) {
			assertThat(scrape.value("stompbox_relay_publish_percentile_seconds", "mode", "memory", "outcome", "ok",
					"phi", phi))
				.isGreaterThanOrEqualTo(0);
			assertThat(scrape.value("stompbox_relay_lag_percentile_seconds", "phi", phi)).isGreaterThanOrEqualTo(0);
		}
		assertThat(
				scrape.value("stompbox_relay_publish_seconds_bucket", "mode", "memory", "outcome", "ok", "le", "+Inf"))
			.isGreaterThanOrEqualTo(1);
		assertThat(scrape.value("stompbox_relay_lag_seconds_bucket", "le", "+Inf")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void duplicatePublishIsTimedAsDuplicate() {
		PrometheusScrape before = scrape();
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("dora"))) {
			client.subscribeAndJoin(ROOM);
			client.send("/app/rooms/" + ROOM + "/messages",
					Map.of("requestId", "d1", "clientMsgId", "dup-1", "body", "once"));
			client.awaitAck("d1");
			client.send("/app/rooms/" + ROOM + "/messages",
					Map.of("requestId", "d2", "clientMsgId", "dup-1", "body", "once"));
			client.awaitAck("d2");
		}
		PrometheusScrape after = scrape();
		assertThat(after.since(before, "stompbox_relay_publish_seconds_count", "mode", "memory", "outcome", "ok"))
			.isEqualTo(1);
		assertThat(
				after.since(before, "stompbox_relay_publish_seconds_count", "mode", "memory", "outcome", "duplicate"))
			.isEqualTo(1);
	}

	@Test
	void rateLimitedSendsAreCountedAndReportedAsErrors() {
		PrometheusScrape before = scrape();
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("rita"))) {
			client.ensureUserQueues();
			for (int i = 0; i < 30; i++) {
				client.send("/app/rooms/" + ROOM + "/leave", Map.of());
			}
			await().atMost(StompTestClient.TIMEOUT).untilAsserted(() -> {
				PrometheusScrape after = scrape();
				assertThat(after.since(before, "stompbox_messages_inbound_total", "kind", "leave")).isEqualTo(30);
				assertThat(after.since(before, "stompbox_rate_limited_total")).isPositive();
				assertThat(after.since(before, "stompbox_errors_total", "code", "rate-limited"))
					.isEqualTo(after.since(before, "stompbox_rate_limited_total"));
			});
		}
	}

	@Test
	void errorFrameIsCountedByCodeAndItsCloseByReason() {
		PrometheusScrape before = scrape();
		try (RawStompSocket socket = RawStompSocket.open(this.port, "/ws")) {
			String answer = socket.connect(null);
			assertThat(answer).startsWith("ERROR").contains("message:unauthorized");
			assertThat(socket.awaitClose(Duration.ofSeconds(5)).getCode())
				.isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
		await().atMost(StompTestClient.TIMEOUT).untilAsserted(() -> {
			PrometheusScrape after = scrape();
			assertThat(after.since(before, "stompbox_errors_total", "code", "unauthorized")).isEqualTo(1);
			assertThat(after.since(before, "stompbox_disconnects_total", "reason", "policy")).isEqualTo(1);
		});
	}

	@Test
	void everyMeterNamesTheInstance() {
		PrometheusScrape scrape = scrape();
		List<Sample> own = scrape.named("stompbox_");
		assertThat(own).extracting(Sample::name)
			.contains("stompbox_connections", "stompbox_connects_total", "stompbox_disconnects_total",
					"stompbox_messages_inbound_total", "stompbox_messages_outbound_total", "stompbox_errors_total",
					"stompbox_rate_limited_total", "stompbox_relay_publish_seconds_count",
					"stompbox_relay_lag_seconds_count", "stompbox_presence_sessions", "stompbox_outbound_buffer_bytes",
					"stompbox_outbound_buffer_max_bytes");
		assertThat(own)
			.allSatisfy((sample) -> assertThat(sample.labels()).containsEntry("stompbox_instance", "metrics-test"));
		assertThat(scrape.named("jvm_memory_used_bytes"))
			.allSatisfy((sample) -> assertThat(sample.labels()).containsEntry("stompbox_instance", "metrics-test"));
		// Only single-node meters: no Redis in this mode.
		assertThat(scrape.named("stompbox_redis_")).isEmpty();
	}

	@Test
	void everyTagValueIsFromAFixedSet() {
		PrometheusScrape scrape = scrape();
		assertThat(scrape.named("stompbox_").stream().flatMap((sample) -> sample.labels().keySet().stream()))
			.allMatch((label) -> List.of("stompbox_instance", "reason", "kind", "code", "mode", "outcome", "phi", "le")
				.contains(label));
		assertThat(scrape.named("stompbox_disconnects_total")).extracting((sample) -> sample.labels().get("reason"))
			.containsExactlyInAnyOrder("normal", "going-away", "protocol", "policy", "too-large", "try-again-later",
					"lost", "slow", "other");
		assertThat(scrape.named("stompbox_messages_outbound_total")).extracting((sample) -> sample.labels().get("kind"))
			.containsExactlyInAnyOrder("room", "presence", "ack", "error", "system", "event", "other");
		assertThat(scrape.named("stompbox_errors_total")).extracting((sample) -> sample.labels().get("code"))
			.contains("not-joined", "rate-limited", "too-large", "unauthorized", "unavailable");
	}

	@Test
	void handshakesAreNotObservedAsHttpRequestsButOtherRequestsAre() {
		try (RawStompSocket socket = RawStompSocket.connected(this.port, TestTokens.forUser("observed"))) {
		}
		scrape();
		await().atMost(StompTestClient.TIMEOUT).untilAsserted(() -> {
			List<Sample> requests = scrape().named("http_server_requests_seconds_count");
			assertThat(requests).extracting((sample) -> sample.labels().get("uri")).contains("/actuator/prometheus");
			assertThat(requests).extracting((sample) -> sample.labels().get("uri")).doesNotContain("/ws");
		});
	}

	private PrometheusScrape scrape() {
		return PrometheusScrape.of(this.port);
	}

}
