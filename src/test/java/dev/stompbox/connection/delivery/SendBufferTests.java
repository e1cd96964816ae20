package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

import dev.stompbox.connection.CloseCodeSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * A session's send buffer. Writes never block the caller: a frame queued while a write is
 * pending is written once that write is done, in order, and the caller returns at once; a
 * session whose write stays pending is given up as too slow once too much waits or the
 * write has waited too long, whether another frame comes for it or the sweep finds it,
 * and closed off the caller's thread. Spring sends an ERROR frame and closes at once;
 * while an earlier frame is still being written, the ERROR frame waits in the send buffer
 * and must still go out before the close. With Spring's own decorator it is dropped.
 */
class SendBufferTests {

	private static final TextMessage EARLIER = new TextMessage("MESSAGE\ndestination:/x\n\nearlier\u0000");

	private static final TextMessage LATER = new TextMessage("MESSAGE\ndestination:/x\n\nlater\u0000");

	private static final TextMessage ERROR = new TextMessage("ERROR\nmessage:bad-request\n\nNot a STOMP frame\u0000");

	/** Threads of their own: the common pool may have a single one. */
	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final CountDownLatch writing = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private final WebSocketSession transport = mock(WebSocketSession.class);

	private final SendBuffer session = new SendBuffer(this.transport, 10_000, 512 * 1024);

	SendBufferTests() throws Exception {
		this.scheduler.initialize();
		given(this.transport.getId()).willReturn("s1");
		given(this.transport.isOpen()).willReturn(true);
		willAnswer((invocation) -> {
			if (invocation.getArgument(0) == EARLIER) {
				this.writing.countDown();
				assertThat(this.release.await(10, TimeUnit.SECONDS)).isTrue();
			}
			return null;
		}).given(this.transport).sendMessage(any());
	}

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	@AfterEach
	void stopThreads() {
		this.release.countDown();
		this.threads.shutdownNow();
		this.scheduler.shutdown();
	}

	@Test
	void pacedWritesWaitForTheHoldThenGoOutInOrder() throws Exception {
		TextMessage first = new TextMessage("MESSAGE\ndestination:/x\n\nfirst\u0000");
		TextMessage second = new TextMessage("MESSAGE\ndestination:/x\n\nsecond\u0000");
		this.session.pace(Duration.ofMillis(400), Duration.ofSeconds(2), this.scheduler);
		this.session.pace(Duration.ofMillis(400), Duration.ofSeconds(2), this.scheduler);
		long started = System.nanoTime();
		this.session.sendMessage(first);
		this.session.sendMessage(second);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(this.transport).sendMessage(second));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("held two steps")
			.isGreaterThanOrEqualTo(Duration.ofMillis(700));
		InOrder order = inOrder(this.transport);
		order.verify(this.transport).sendMessage(first);
		order.verify(this.transport).sendMessage(second);
	}

	@Test
	void eachPaceHoldsOneStepLongerButNeverBeyondTheLongestHold() {
		this.session.pace(Duration.ofMillis(100), Duration.ofSeconds(2), this.scheduler);
		assertThat(this.session.holdRemainingNanos()).isBetween(0L, Duration.ofMillis(100).toNanos());
		for (int i = 0; i < 4; i++) {
			this.session.pace(Duration.ofMillis(100), Duration.ofSeconds(2), this.scheduler);
		}
		assertThat(this.session.holdRemainingNanos()).isGreaterThan(Duration.ofMillis(300).toNanos())
			.isLessThanOrEqualTo(Duration.ofMillis(500).toNanos());
		for (int i = 0; i < 100; i++) {
			this.session.pace(Duration.ofMillis(100), Duration.ofSeconds(2), this.scheduler);
		}
		assertThat(this.session.holdRemainingNanos()).isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos());
	}

	@Test
	void aCloseEndsTheHoldAndSendsWhatWaitsBeforeIt() throws Exception {
		this.session.pace(Duration.ofMinutes(1), Duration.ofMinutes(1), this.scheduler);
		this.session.sendMessage(LATER);
		this.session.sendMessage(ERROR);
		verify(this.transport, never()).sendMessage(any());
		close(CloseStatus.PROTOCOL_ERROR);
		awaitSentThenClosed(LATER, ERROR);
	}

	@Test
	void errorFrameBufferedBehindAWriteInProgressIsSentBeforeTheClose() throws Exception {
		send(EARLIER);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		// What Spring's STOMP handler does on a protocol failure: ERROR, then close.
		this.session.sendMessage(ERROR);
		CompletableFuture.runAsync(() -> close(CloseStatus.PROTOCOL_ERROR), this.threads).get(5, TimeUnit.SECONDS);
		verify(this.transport, never()).close(any());
		this.release.countDown();
		awaitSentThenClosed(EARLIER, ERROR);
	}

	@Test
	void springsDecoratorAloneDropsTheBufferedErrorFrame() throws Exception {
		ConcurrentWebSocketSessionDecorator spring = new ConcurrentWebSocketSessionDecorator(this.transport, 10_000,
				512 * 1024);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			try {
				spring.sendMessage(EARLIER);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, this.threads);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		spring.sendMessage(ERROR);
		spring.close(CloseStatus.PROTOCOL_ERROR);
		this.release.countDown();
		writer.get(10, TimeUnit.SECONDS);
		verify(this.transport, never()).sendMessage(ERROR);
	}

	@Test
	void sessionGivenUpAsTooSlowIsClosedWithoutWaiting() throws Exception {
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> send(EARLIER), this.threads);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture.runAsync(() -> close(CloseStatus.SESSION_NOT_RELIABLE), this.threads)
			.get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> verify(this.transport).close(CloseStatus.SESSION_NOT_RELIABLE));
		this.release.countDown();
		writer.get(10, TimeUnit.SECONDS);
	}

	@Test
	void closeFromWithinASendDoesNotWaitForItself() throws Exception {
		WebSocketSession transport = mock(WebSocketSession.class);
		given(transport.getId()).willReturn("s2");
		SendBuffer session = new SendBuffer(transport, 10_000, 512 * 1024);
		willAnswer((invocation) -> {
			session.close(CloseStatus.SERVER_ERROR);
			return null;
		}).given(transport).sendMessage(any());
		CompletableFuture.runAsync(() -> {
			try {
				session.sendMessage(EARLIER);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, this.threads).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> verify(transport).close(CloseStatus.SERVER_ERROR));
	}

	@Test
	void aPendingWriteHoldsNoThreadAndTheFramesQueuedBehindItAreWrittenOnceItIsDoneInOrder() throws Exception {
		CompletableFuture.runAsync(() -> send(EARLIER), this.threads).get(1, TimeUnit.SECONDS);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture.runAsync(() -> send(LATER), this.threads).get(1, TimeUnit.SECONDS);
		verify(this.transport, never()).sendMessage(LATER);
		assertThat(this.session.getBufferSize()).isEqualTo(EARLIER.getPayload().length() + LATER.getPayload().length());
		assertThat(this.session.getTimeSinceSendStarted()).as("pending").isPositive();
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.session.getBufferSize() == 0);
		InOrder order = inOrder(this.transport);
		order.verify(this.transport).sendMessage(EARLIER);
		order.verify(this.transport).sendMessage(LATER);
		assertThat(this.session.getTimeSinceSendStarted()).isZero();
	}

	@Test
	void tooMuchQueuedBehindABlockedWriteGivesTheSessionUpAndClosesItOffTheCallersThread() throws Exception {
		SendBuffer small = new SendBuffer(this.transport, 10_000, 100);
		send(small, EARLIER);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(small.enqueue(new TextMessage("x".repeat(200)))).isTrue();
		assertThatExceptionOfType(SessionLimitExceededException.class).isThrownBy(small::flush)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(CloseStatus.SESSION_NOT_RELIABLE));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> verify(this.transport).close(CloseStatus.SESSION_NOT_RELIABLE));
		assertThat(small.enqueue(LATER)).as("queued once given up").isFalse();
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> small.getBufferSize() == 0);
		verify(this.transport, never()).sendMessage(LATER);
	}

	@Test
	void aWriteBlockedLongerThanTheSendTimeLimitGivesTheSessionUp() throws Exception {
		SendBuffer impatient = new SendBuffer(this.transport, 50, 512 * 1024);
		send(impatient, EARLIER);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		awaitPendingLongerThanItsLimit(impatient);
		assertThatExceptionOfType(SessionLimitExceededException.class).isThrownBy(() -> impatient.sendMessage(LATER));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> verify(this.transport).close(CloseStatus.SESSION_NOT_RELIABLE));
	}

	@Test
	void aWritePendingLongerThanTheSendTimeLimitIsCutOffByTheSweepWithNothingMoreQueued() throws Exception {
		SendBuffer impatient = new SendBuffer(this.transport, 50, 512 * 1024);
		send(impatient, EARLIER);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		impatient.checkLimits();
		verify(this.transport, never()).close(any());
		awaitPendingLongerThanItsLimit(impatient);
		impatient.checkLimits();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> verify(this.transport).close(CloseStatus.SESSION_NOT_RELIABLE));
		assertThat(impatient.enqueue(LATER)).as("queued once given up").isFalse();
	}

	@Test
	void aCloseThatWaitsTooLongForTheWritesBeforeItIsDoneByTheSweep() throws Exception {
		send(EARLIER);
		assertThat(this.writing.await(10, TimeUnit.SECONDS)).isTrue();
		this.session.sendMessage(ERROR);
		this.session.close(CloseStatus.PROTOCOL_ERROR);
		this.session.checkLimits();
		verify(this.transport, never()).close(any());
		Thread.sleep(SendBuffer.CLOSE_WAIT_MS + 100);
		this.session.checkLimits();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> verify(this.transport).close(CloseStatus.PROTOCOL_ERROR));
		verify(this.transport, never()).sendMessage(ERROR);
	}

	@Test
	void framesQueuedTogetherAreWrittenWithMoreToFollowButTheLastSoTheyMayGoOutInOneWrite() throws Exception {
		GatheringSession writer = mock(GatheringSession.class);
		willAnswer((invocation) -> {
			invocation.<FrameWriter.Written>getArgument(2).succeeded();
			return null;
		}).given(writer).write(any(), anyBoolean(), any());
		SendBuffer buffer = new SendBuffer(writer, 10_000, 512 * 1024);
		assertThat(buffer.enqueue(EARLIER)).isTrue();
		assertThat(buffer.enqueue(LATER)).isTrue();
		buffer.sendMessage(ERROR);
		buffer.sendMessage(LATER);
		InOrder order = inOrder(writer);
		order.verify(writer).write(eq(EARLIER), eq(true), any());
		order.verify(writer).write(eq(LATER), eq(true), any());
		order.verify(writer).write(eq(ERROR), eq(false), any());
		order.verify(writer).write(eq(LATER), eq(false), any());
		verify(writer, never()).sendMessage(any());
		assertThat(buffer.getBufferSize()).isZero();
	}

	@Test
	void springsMessageCallbackRunsOnceItsFrameIsQueuedAndNotForFanOutFrames() throws Exception {
		java.util.List<Object> called = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.session.setMessageCallback(called::add);
		assertThat(this.session.enqueue(LATER)).isTrue();
		this.session.flush();
		assertThat(called).isEmpty();
		this.session.sendMessage(ERROR);
		assertThat(called).containsExactly(ERROR);
	}

	/** A transport that gathers frames, as {@link CloseCodeSession} is. */
	interface GatheringSession extends WebSocketSession, FrameWriter {

	}

	private static void send(SendBuffer buffer, TextMessage message) {
		try {
			buffer.sendMessage(message);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void send(TextMessage message) {
		try {
			this.session.sendMessage(message);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Until the write in progress has taken longer than the buffer's send time limit. */
	private static void awaitPendingLongerThanItsLimit(SendBuffer buffer) {
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> buffer.getTimeSinceSendStarted() > buffer.getSendTimeLimit());
	}

	/** Waits for the close, which must come after the frames, sent in order. */
	private void awaitSentThenClosed(TextMessage... frames) throws Exception {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(this.transport).close(any()));
		InOrder order = inOrder(this.transport);
		for (TextMessage frame : frames) {
			order.verify(this.transport).sendMessage(frame);
		}
		order.verify(this.transport).close(CloseStatus.PROTOCOL_ERROR);
	}

	private void close(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
