package dev.stompbox.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.TaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

class RedisAvailabilityTests {

	private final RedisAsyncCommands<String, String> commands = mock();

	private final TaskScheduler scheduler = mock();

	private final RedisAvailability availability;

	private final Runnable ping;

	RedisAvailabilityTests() {
		RedisConnections connections = mock();
		given(connections.commands()).willReturn(this.commands);
		this.availability = new RedisAvailability(connections, this.scheduler, mock(ApplicationEventPublisher.class));
		this.availability.start();
		ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
		verify(this.scheduler).scheduleAtFixedRate(task.capture(), any(Duration.class));
		this.ping = task.getValue();
	}

	@Test
	void oneUnansweredPingLeavesTheInstanceReady() {
		ping(false);
		assertThat(this.availability.isAvailable()).isTrue();
		ping(true);
		ping(false);
		assertThat(this.availability.isAvailable()).isTrue();
		assertThat(this.availability.outages()).isZero();
	}

	@Test
	void twoUnansweredPingsInARowMakeItUnavailableUntilOneIsAnswered() {
		ping(false);
		ping(false);
		assertThat(this.availability.isAvailable()).isFalse();
		assertThat(this.availability.outages()).isOne();
		ping(true);
		assertThat(this.availability.isAvailable()).isTrue();
	}

	private void ping(boolean answered) {
		CompletableFuture<String> pong = answered ? CompletableFuture.completedFuture("PONG")
				: CompletableFuture.failedFuture(new RedisCommandTimeoutException("timed out"));
		RedisFuture<String> future = mock();
		given(future.toCompletableFuture()).willReturn(pong);
		given(this.commands.ping()).willReturn(future);
		this.ping.run();
	}

}
