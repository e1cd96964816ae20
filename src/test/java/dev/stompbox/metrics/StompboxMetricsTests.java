package dev.stompbox.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.instance.Mode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The meters and their tags, recorded into a simple registry. */
class StompboxMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final StompboxMetrics metrics = new StompboxMetrics(this.registry);

	@ParameterizedTest
	@CsvSource({ "1000, normal", "1001, going-away", "1002, protocol", "1006, lost", "1008, policy", "1009, too-large",
			"1011, other", "1013, try-again-later", "4500, slow" })
	void disconnectsAreCountedByTheReasonOfTheirCloseCode(int code, String reason) {
		this.metrics.disconnected(new CloseStatus(code));
		assertThat(this.registry.get("stompbox.disconnects").tag("reason", reason).counter().count()).isEqualTo(1);
	}

	@Test
	void errorsAreTaggedWithTheirWireCode() {
		this.metrics.error(ErrorCode.NOT_JOINED);
		this.metrics.error(ErrorCode.NOT_JOINED);
		assertThat(this.registry.get("stompbox.errors").tag("code", "not-joined").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("stompbox.errors").tag("code", "rate-limited").counter().count()).isZero();
	}

	@Test
	void movedClientsAreCountedByReason() {
		this.metrics.clientMoved(RebalanceReason.LOAD);
		assertThat(this.registry.get("stompbox.rebalance.moved").tag("reason", "load").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("stompbox.rebalance.moved").tag("reason", "revision").counter().count()).isZero();
	}

	@Test
	void everyTagValueIsRegisteredUpFront() {
		assertThat(this.registry.get("stompbox.errors").counters()).hasSize(ErrorCode.values().length);
		assertThat(this.registry.get("stompbox.messages.inbound").counters()).hasSize(InboundKind.values().length);
		assertThat(this.registry.get("stompbox.messages.outbound").counters()).hasSize(OutboundKind.values().length);
		assertThat(this.registry.get("stompbox.messages.inbound").tag("kind", "subscribe").counter()).isNotNull();
	}

	@Test
	void publishesAreTimedByOutcome() {
		RelayPublishTimer timer = this.metrics.relayPublish(Mode.CLUSTER);
		timer.time(() -> CompletableFuture.completedFuture(false), (duplicate) -> duplicate);
		timer.time(() -> CompletableFuture.completedFuture(true), (duplicate) -> duplicate);
		timer.time(() -> CompletableFuture.<Boolean>failedFuture(new IllegalStateException()),
				(duplicate) -> duplicate);
		assertThatIllegalStateException().isThrownBy(() -> timer.time(() -> {
			throw new IllegalStateException("thrown, not returned");
		}, (Boolean duplicate) -> duplicate));
		assertThat(publishes("redis", "ok")).isEqualTo(1);
		assertThat(publishes("redis", "duplicate")).isEqualTo(1);
		assertThat(publishes("redis", "error")).isEqualTo(2);
	}

	@Test
	void publishIsTimedWhenItsStageCompletes() {
		RelayPublishTimer timer = this.metrics.relayPublish(Mode.SINGLE_NODE);
		CompletableFuture<Boolean> pending = new CompletableFuture<>();
		CompletionStage<Boolean> timed = timer.time(() -> pending, (duplicate) -> duplicate);
		assertThat(publishes("memory", "ok")).isZero();
		pending.complete(false);
		assertThat(timed.toCompletableFuture().join()).isFalse();
		assertThat(publishes("memory", "ok")).isEqualTo(1);
	}

	@Test
	void timersPublishTheirPercentiles() {
		this.metrics.relayPublish(Mode.SINGLE_NODE);
		for (String phi : new String[] { "0.5", "0.99", "0.999" }) {
			assertThat(
					this.registry.get("stompbox.relay.publish.percentile").tag("phi", phi).tag("outcome", "ok").gauge())
				.isNotNull();
			assertThat(this.registry.get("stompbox.relay.lag.percentile").tag("phi", phi).gauge()).isNotNull();
		}
	}

	@Test
	void negativeLagFromClocksApartCountsAsNone() {
		this.metrics.relayLag(-250);
		this.metrics.relayLag(40);
		assertThat(this.registry.get("stompbox.relay.lag").timer().count()).isEqualTo(2);
		assertThat(this.registry.get("stompbox.relay.lag").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(40);
		assertThat(this.registry.get("stompbox.relay.lag").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
	}

	@Test
	void gaugesReadTheFeaturesState() {
		int[] open = { 3 };
		this.metrics.openConnections(open, (state) -> state[0]);
		this.metrics.outboundBuffers(open, (state) -> 1000, (state) -> 600);
		assertThat(this.registry.get("stompbox.connections").gauge().value()).isEqualTo(3);
		open[0] = 5;
		assertThat(this.registry.get("stompbox.connections").gauge().value()).isEqualTo(5);
		assertThat(this.registry.get("stompbox.outbound.buffer").gauge().value()).isEqualTo(1000);
		assertThat(this.registry.get("stompbox.outbound.buffer.max").gauge().value()).isEqualTo(600);
	}

	private double publishes(String mode, String outcome) {
		return this.registry.get("stompbox.relay.publish").tag("mode", mode).tag("outcome", outcome).timer().count();
	}

}
