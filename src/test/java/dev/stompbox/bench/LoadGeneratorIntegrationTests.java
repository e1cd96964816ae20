package dev.stompbox.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The load generator counts what it claims, on tiny runs against a real server: every
 * delivery of every message it sent, none lost, none twice. Counts only, never speed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.rate-limit=1000" })
class LoadGeneratorIntegrationTests {

	private static final PrintStream LOG = System.err;

	@LocalServerPort
	int port;

	@Test
	void fanoutCountsEveryDeliveryOfEveryMessageAndAnOutsiderSeesThem() throws Exception {
		String runId = "lgtest-fanout";
		// An ordinary client joins room 0 first: the messages the generator says it sent
		// there really went through.
		try (StompTestClient outsider = StompTestClient.connect(this.port, TestTokens.forUser("outsider"))) {
			BlockingQueue<Received> room0 = outsider.subscribeAndJoin(runId + "-r0");

			Report report = LoadGenerator.run(LOG, "fanout", "--targets", "ws://localhost:" + this.port + "/ws",
					"--secret", TestTokens.SECRET, "--run-id", runId, "--rooms", "2", "--subscribers", "3",
					"--messages", "200", "--rate", "1500", "--io-threads", "2");
			report.print(LOG);

			assertThat(report.count("messages")).isEqualTo(200);
			assertThat(report.count("unsent")).isZero();
			assertThat(report.count("expected")).isEqualTo(200 * 3);
			assertThat(report.count("deliveries")).isEqualTo(200 * 3);
			assertThat(report.count("lost")).isZero();
			assertThat(report.count("duplicates")).isZero();
			assertThat(report.count("out_of_order")).isZero();
			assertThat(report.count("disconnects")).isZero();
			assertThat(report.totals().get("problems")).isEqualTo(Map.of());
			Map<String, Object> step = report.steps().get(0);
			assertThat(step.get("drained")).isEqualTo(true);
			assertThat(step.get("lost")).isEqualTo(0L);
			assertThat(report.json()).startsWith("{\"workload\":\"fanout\"").contains("\"deliveries\":600");

			Set<Long> seqs = new HashSet<>();
			for (int i = 0; i < 100; i++) {
				JsonNode message = StompTestClient.awaitOn(room0, (m) -> true, "room 0");
				seqs.add(message.path("body").path("seq").asLong());
				assertThat(message.path("from").path("userId").asString()).startsWith(runId + "-u");
			}
			assertThat(seqs).hasSize(100).allMatch((seq) -> seq >= 0 && seq < 100);
			assertThat(StompTestClient.poll(room0, Duration.ofMillis(300))).isNull();
		}
	}

	@Test
	void ladderRunsEachStepOnTheSameConnections() throws Exception {
		Report report = LoadGenerator.run(LOG, "fanout", "--targets", "localhost:" + this.port, "--secret",
				TestTokens.SECRET, "--rooms", "2", "--subscribers", "2", "--ladder", "100,200", "--warmup", "0.2",
				// A step ends the ladder below 90% of its rate: half-second steps (50
				// deliveries)
				// fell short on a busy CI machine; two-second ones ride out a 200 ms
				// stall.
				"--duration", "2");
		report.print(LOG);

		assertThat(report.steps()).hasSize(2);
		assertThat(report.count("deliveries")).isEqualTo(report.count("messages") * 2).isPositive();
		assertThat(report.count("lost")).isZero();
	}

	@Test
	void stormBringsEveryClientBackJoined() throws Exception {
		Report report = LoadGenerator.run(LOG, "storm", "--targets", "ws://localhost:" + this.port + "/ws", "--secret",
				TestTokens.SECRET, "--clients", "10", "--rooms", "2", "--jitter-ms", "200", "--rounds", "2",
				"--pause-ms", "100");
		report.print(LOG);

		assertThat(report.steps()).hasSize(2);
		assertThat(report.count("rejoined")).isEqualTo(10);
		report.steps().forEach((round) -> assertThat(round.get("back")).isEqualTo(10L));
		assertThat(report.count("worst_all_back_ms")).isPositive();
	}

	@Test
	void stormThroughSockJsBringsEveryClientBackJoined() throws Exception {
		Report report = LoadGenerator.run(LOG, "storm", "--targets", "ws://localhost:" + this.port + "/sockjs",
				"--secret", TestTokens.SECRET, "--clients", "10", "--rooms", "2", "--jitter-ms", "200", "--rounds", "1",
				"--pause-ms", "100");
		report.print(LOG);

		assertThat(report.count("rejoined")).isEqualTo(10);
		report.steps().forEach((round) -> assertThat(round.get("back")).isEqualTo(10L));
	}

	@Test
	void usersThroughSockJsGetEachOfTheirEventsExactlyOnce() throws Exception {
		Report report = LoadGenerator.run(LOG, "users", "--targets", "ws://localhost:" + this.port + "/sockjs",
				"--secret", TestTokens.SECRET, "--users", "3", "--messages", "30", "--rate", "300");
		report.print(LOG);

		assertThat(report.count("deliveries")).isEqualTo(30);
		assertThat(report.count("lost")).isZero();
		assertThat(report.count("duplicates")).isZero();
	}

	@Test
	void aPublishingWorkloadRefusesSockJsTargets() {
		assertThatThrownBy(() -> LoadGenerator.run(LOG, "fanout", "--targets",
				"ws://localhost:" + this.port + "/sockjs", "--secret", TestTokens.SECRET))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("/sockjs");
	}

	@Test
	void usersGetEachOfTheirEventsExactlyOnce() throws Exception {
		Report report = LoadGenerator.run(LOG, "users", "--targets", "ws://localhost:" + this.port + "/ws", "--secret",
				TestTokens.SECRET, "--users", "5", "--messages", "50", "--rate", "500");
		report.print(LOG);

		assertThat(report.count("events")).isEqualTo(50);
		assertThat(report.count("accepted")).isEqualTo(50);
		assertThat(report.count("deliveries")).isEqualTo(50);
		assertThat(report.count("lost")).isZero();
		assertThat(report.count("duplicates")).isZero();
	}

	@Test
	void idleHoldsEveryConnectionJoined() throws Exception {
		Report report = LoadGenerator.run(LOG, "idle", "--targets", "ws://localhost:" + this.port + "/ws", "--secret",
				TestTokens.SECRET, "--connections", "20", "--rooms", "3", "--hold", "0.2", "--bind", "127.0.0.1");
		report.print(LOG);

		assertThat(report.count("ready")).isEqualTo(20);
		assertThat(report.count("still_open")).isEqualTo(20);
		assertThat(report.count("disconnects")).isZero();
		// Read from /actuator/prometheus, which wants a token: NaN if the scrape was
		// refused.
		assertThat((double) report.steps().get(0).get("heap_mib_after")).isPositive();
	}

	@Test
	void aWrongSecretStopsTheRunAtOnce() {
		assertThatThrownBy(() -> LoadGenerator.run(LOG, "idle", "--targets", "localhost:" + this.port, "--secret",
				"not-the-secret-of-this-server-but-32-bytes-long", "--connections", "2"))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("unauthorized");
	}

	@Test
	void anOptionNoWorkloadReadsIsRefused() {
		assertThatThrownBy(() -> LoadGenerator.run(LOG, "users", "--rooms", "3"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("--rooms");
	}

}
