package dev.stompbox.bench;

import java.io.PrintStream;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small hostile flood next to bystanders (the {@code hostile} workload, functionally,
 * never timed): PROTOCOL.md section 5, every bad frame is answered and no bad input from
 * one client affects another's connection. One attacker per kind of closing frame, so
 * each kind is sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileFloodIntegrationTests {

	private static final PrintStream LOG = System.err;

	@LocalServerPort
	int port;

	private Report report;

	@BeforeAll
	void flood() throws Exception {
		this.report = LoadGenerator.run(LOG, "hostile", "--targets", "ws://localhost:" + this.port + "/ws", "--secret",
				TestTokens.SECRET, "--run-id", "hostile-test", "--rooms", "2", "--bystanders", "3", "--rate", "300",
				"--warmup", "0.2", "--phase", "1", "--attackers", String.valueOf(Attacker.CLOSING_KINDS.length),
				"--burst", "40", "--answer-timeout", "3", "--io-threads", "1");
		this.report.print(LOG);
	}

	@Test
	void bystandersLoseNothingAndAreNeitherDroppedNorToldOfAnything() {
		assertThat(this.report.count("messages")).isPositive();
		assertThat(this.report.count("unsent")).isZero();
		assertThat(this.report.count("bystander_lost")).isZero();
		assertThat(this.report.count("bystander_disconnects")).isZero();
		assertThat(this.report.count("bystander_duplicates")).isZero();
		assertThat(this.report.totals().get("bystander_problems")).isEqualTo(Map.of());
		assertThat(this.report.steps()).allSatisfy((phase) -> assertThat(phase.get("drained")).isEqualTo(true));
	}

	@Test
	void everyKindOfHostileFrameWasSent() {
		assertThat(sentByKind()).allSatisfy((kind, sent) -> assertThat(sent).as(kind).isPositive());
	}

	@Test
	void floodsAndForeignDestinationsAreAnsweredInPlace() {
		assertAllAnswered(Attacker.Kind.SUBSCRIPTION_FLOOD, Attacker.Kind.JOIN_FLOOD, Attacker.Kind.FOREIGN_SUBSCRIBE,
				Attacker.Kind.UNKNOWN_APP_SEND, Attacker.Kind.NOT_JOINED_SEND);
	}

	@Test
	void garbageOversizedFramesAndSendsOutsideAppGetAnErrorFrame() {
		assertAllAnswered(Attacker.Kind.GARBAGE, Attacker.Kind.OVERSIZED, Attacker.Kind.FOREIGN_SEND);
	}

	/** Needs the content-length checks of PROTOCOL.md 1.1 (issue 19 item 4). */
	@Test
	void invalidAndHugeContentLengthsGetAnErrorFrame() {
		assertAllAnswered(Attacker.Kind.CONTENT_LENGTH_INVALID, Attacker.Kind.CONTENT_LENGTH_NEGATIVE,
				Attacker.Kind.CONTENT_LENGTH_HUGE, Attacker.Kind.CONTENT_LENGTH_OVER_LIMIT);
	}

	@Test
	void everyHostileFrameIsAnswered() {
		assertThat(this.report.count("hostile_answered")).isEqualTo(this.report.count("hostile_sent"));
	}

	private void assertAllAnswered(Attacker.Kind... kinds) {
		@SuppressWarnings("unchecked")
		Map<String, Object> unanswered = (Map<String, Object>) this.report.totals().get("hostile_unanswered");
		for (Attacker.Kind kind : kinds) {
			assertThat(unanswered)
				.as("unanswered " + kind.label() + "; answers: " + this.report.totals().get("hostile_answers"))
				.doesNotContainKey(kind.label());
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, Long> sentByKind() {
		return (Map<String, Long>) this.report.totals().get("hostile_sent_by_kind");
	}

}
