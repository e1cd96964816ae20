package dev.stompbox.connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.messaging.SessionConnectedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * One timer per connection, due the CONNECT timeout after it opened, dropped once it
 * connects or ends.
 */
class ConnectTimeoutTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private final List<Runnable> tasks = new CopyOnWriteArrayList<>();

	private final List<Instant> dueAt = new CopyOnWriteArrayList<>();

	private final ScheduledFuture<?> future = mock(ScheduledFuture.class);

	private final AtomicInteger timedOut = new AtomicInteger();

	private final ConnectTimeout timeout = new ConnectTimeout(scheduler(), properties(Duration.ofSeconds(7)),
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aConnectionThatNeverConnectsTimesOutOnceAtTheTimeout() {
		this.timeout.opened("s1", this.timedOut::incrementAndGet);
		assertThat(this.dueAt).containsExactly(NOW.plusSeconds(7));
		this.tasks.get(0).run();
		this.tasks.get(0).run();
		assertThat(this.timedOut).hasValue(1);
	}

	@Test
	void theConnectedEventCancelsTheTimer() {
		this.timeout.opened("s1", this.timedOut::incrementAndGet);
		this.timeout.onConnected(connected("s1"));
		verify(this.future).cancel(false);
		this.tasks.get(0).run();
		assertThat(this.timedOut).hasValue(0);
	}

	@Test
	void anotherSessionConnectingLeavesTheTimerInPlace() {
		this.timeout.opened("s1", this.timedOut::incrementAndGet);
		this.timeout.onConnected(connected("s2"));
		this.tasks.get(0).run();
		assertThat(this.timedOut).hasValue(1);
	}

	@Test
	void theEndOfTheConnectionCancelsTheTimer() {
		this.timeout.opened("s1", this.timedOut::incrementAndGet);
		this.timeout.ended("s1");
		verify(this.future).cancel(false);
		this.tasks.get(0).run();
		assertThat(this.timedOut).hasValue(0);
	}

	private TaskScheduler scheduler() {
		TaskScheduler scheduler = mock(TaskScheduler.class);
		given(scheduler.schedule(any(Runnable.class), any(Instant.class))).willAnswer((invocation) -> {
			this.tasks.add(invocation.getArgument(0));
			this.dueAt.add(invocation.getArgument(1));
			return this.future;
		});
		return scheduler;
	}

	private static SessionConnectedEvent connected(String sessionId) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.CONNECTED);
		headers.setSessionId(sessionId);
		return new SessionConnectedEvent(ConnectTimeoutTests.class,
				MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders()));
	}

	private static ConnectionProperties properties(Duration connectTimeout) {
		return new ConnectionProperties(List.of(), 10, Duration.ofMinutes(55), DataSize.ofKilobytes(64), 50,
				Duration.ofSeconds(10), connectTimeout, 100, 50, 20);
	}

}
