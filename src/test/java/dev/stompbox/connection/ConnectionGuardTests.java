package dev.stompbox.connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.metrics.StompboxMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The guard in front of the STOMP handler: whole frames up to the limit pass, parts are
 * joined, anything over the limit, counted in UTF-8 bytes, gets ERROR {@code too-large}
 * and close 1009; so does a first frame over {@link ConnectionGuard#CONNECT_FRAME_LIMIT},
 * a connection whose timer for the CONNECT runs out gets ERROR {@code unauthorized} and
 * close 1008, and a frame the STOMP handler refuses gets the ERROR frame and close code
 * of its error.
 */
class ConnectionGuardTests {

	private static final int LIMIT = 1024;

	private final Recording delegate = new Recording();

	private final ConnectionRegistry registry = new ConnectionRegistry();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final StompboxMetrics metrics = new StompboxMetrics(this.meters);

	private final WebSocketSession session = session("s1");

	private final List<Runnable> timers = new CopyOnWriteArrayList<>();

	private final ScheduledFuture<?> timer = mock(ScheduledFuture.class);

	private ConnectionGuard guard;

	@BeforeEach
	void establish() throws Exception {
		this.guard = new ConnectionGuard(this.delegate, this.registry, properties(10), this.metrics,
				connectTimeout(properties(10)));
		this.guard.afterConnectionEstablished(this.session);
	}

	@Test
	void wholeMessageUpToTheLimitIsPassedOnAsItIs() throws Exception {
		TextMessage atLimit = new TextMessage("x".repeat(LIMIT));
		this.guard.handleMessage(this.session, atLimit);
		assertThat(this.delegate.messages).containsExactly(atLimit);
		verify(this.session, never()).close(any());
	}

	@Test
	void messageOneByteOverTheLimitIsRefusedWithTooLargeAndClose1009() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("x".repeat(LIMIT + 1)));
		assertRefused();
	}

	@Test
	void limitCountsUtf8BytesNotCharacters() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("é".repeat(LIMIT / 2)));
		assertThat(this.delegate.messages).hasSize(1);
		this.guard.handleMessage(this.session, new TextMessage("é".repeat(LIMIT / 2 + 1)));
		assertRefused();
	}

	@Test
	void partsAreJoinedIntoOneMessage() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("a".repeat(300), false));
		this.guard.handleMessage(this.session, new TextMessage("b".repeat(300), false));
		assertThat(this.delegate.messages).isEmpty();
		this.guard.handleMessage(this.session, new TextMessage("c".repeat(300), true));
		assertThat(this.delegate.messages).singleElement().satisfies((message) -> {
			assertThat(message.isLast()).isTrue();
			assertThat(((TextMessage) message).getPayload())
				.isEqualTo("a".repeat(300) + "b".repeat(300) + "c".repeat(300));
		});
	}

	@Test
	void partsTogetherOverTheLimitAreRefusedAndLaterPartsIgnored() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("a".repeat(600), false));
		this.guard.handleMessage(this.session, new TextMessage("b".repeat(600), false));
		assertRefused();
		this.guard.handleMessage(this.session, new TextMessage("c", true));
		this.guard.handleMessage(this.session, new TextMessage("SEND\n\n\u0000"));
		assertThat(this.delegate.messages).isEmpty();
	}

	@Test
	void multibytePartsAreCountedInBytesOnceJoined() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("é".repeat(300), false));
		this.guard.handleMessage(this.session, new TextMessage("é".repeat(300), true));
		assertRefused();
	}

	@Test
	void binaryPartsAreJoinedAndLimitedToo() throws Exception {
		this.guard.handleMessage(this.session, new BinaryMessage(ByteBuffer.wrap(new byte[500]), false));
		this.guard.handleMessage(this.session, new BinaryMessage(ByteBuffer.wrap(new byte[500]), true));
		assertThat(this.delegate.messages).singleElement()
			.satisfies((message) -> assertThat(message.getPayloadLength()).isEqualTo(1000));
		this.guard.handleMessage(this.session, new BinaryMessage(ByteBuffer.wrap(new byte[600]), false));
		this.guard.handleMessage(this.session, new BinaryMessage(ByteBuffer.wrap(new byte[600]), true));
		assertRefused();
	}

	@Test
	void sessionPassedOnClosesWithTheCodeLeftForItsErrorFrame() throws Exception {
		WebSocketSession passedOn = this.delegate.session;
		CloseCodes.remember(passedOn.getAttributes(), CloseCodes.forError(ErrorCode.UNAUTHORIZED));
		passedOn.close(CloseStatus.PROTOCOL_ERROR);
		verify(this.session).close(CloseStatus.POLICY_VIOLATION);
	}

	@Test
	void frameTheStompHandlerRefusesEndsTheConnectionWithItsErrorAndCloseCode() throws Exception {
		this.delegate.failure = new StompErrorFrames.Refused(ErrorCode.UNAUTHORIZED.exception("CONNECT first"));
		this.guard.handleMessage(this.session, new TextMessage("SEND\ndestination:/app/x\n\n\u0000"));
		assertClosedWithError("unauthorized", CloseStatus.POLICY_VIOLATION);
		assertThat(this.meters.get("stompbox.errors").tag("code", "unauthorized").counter().count()).isEqualTo(1);
		this.delegate.failure = null;
		this.guard.handleMessage(this.session, new TextMessage("CONNECT\n\n\u0000"));
		assertThat(this.delegate.messages).as("passed on, the refused one included").hasSize(1);
	}

	@Test
	void sessionPassedOnKeepsOtherCloseCodes() throws Exception {
		this.delegate.session.close(CloseStatus.NORMAL);
		verify(this.session).close(CloseStatus.NORMAL);
	}

	@Test
	void connectionsAreCountedAndOneOverTheCapIsClosedWith1013() throws Exception {
		ConnectionRegistry capped = new ConnectionRegistry();
		ConnectionGuard guard = new ConnectionGuard(new Recording(), capped, properties(1), this.metrics,
				connectTimeout(properties(1)));
		WebSocketSession first = session("first");
		WebSocketSession second = session("second");
		guard.afterConnectionEstablished(first);
		guard.afterConnectionEstablished(second);
		verify(first, never()).close(any());
		verify(second).close(CloseCodes.TRY_AGAIN_LATER);
		guard.afterConnectionClosed(second, CloseCodes.TRY_AGAIN_LATER);
		assertThat(capped.count()).isEqualTo(1);
		guard.afterConnectionClosed(first, CloseStatus.NORMAL);
		assertThat(capped.count()).isZero();
	}

	@Test
	void tooLargeFrameIsCountedAsAnError() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("x".repeat(LIMIT + 1)));
		assertThat(this.meters.get("stompbox.errors").tag("code", "too-large").counter().count()).isEqualTo(1);
	}

	@Test
	void opensAndClosesAreCountedOnceEach() throws Exception {
		this.guard.afterConnectionClosed(this.session, CloseStatus.GOING_AWAY);
		this.guard.afterConnectionClosed(this.session, CloseStatus.GOING_AWAY);
		assertThat(this.meters.get("stompbox.connects").counter().count()).isEqualTo(1);
		assertThat(this.meters.get("stompbox.disconnects").tag("reason", "going-away").counter().count()).isEqualTo(1);
	}

	@Test
	void closeAfterTheClientsDisconnectCountsAsNormal() throws Exception {
		CloseCodes.disconnectRequested(this.session.getAttributes());
		this.guard.afterConnectionClosed(this.session, CloseStatus.PROTOCOL_ERROR);
		assertThat(this.meters.get("stompbox.disconnects").tag("reason", "normal").counter().count()).isEqualTo(1);
		assertThat(this.meters.get("stompbox.disconnects").tag("reason", "protocol").counter().count()).isZero();
	}

	@Test
	void firstFrameOverTheConnectLimitAcrossMessagesIsRefusedWithTooLargeAndClose1009() throws Exception {
		for (int i = 0; i < ConnectionGuard.CONNECT_FRAME_LIMIT / 1000; i++) {
			this.guard.handleMessage(this.session, new TextMessage("p".repeat(1000)));
		}
		assertThat(this.delegate.messages).hasSize(ConnectionGuard.CONNECT_FRAME_LIMIT / 1000);
		this.guard.handleMessage(this.session, new TextMessage("p".repeat(1000)));
		assertClosedWithError("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
		this.guard.handleMessage(this.session, new TextMessage("\u0000"));
		assertThat(this.delegate.messages).as("passed on after the refusal")
			.hasSize(ConnectionGuard.CONNECT_FRAME_LIMIT / 1000);
	}

	@Test
	void firstFrameIsCountedInUtf8Bytes() throws Exception {
		for (int i = 0; i < ConnectionGuard.CONNECT_FRAME_LIMIT / 1000; i++) {
			this.guard.handleMessage(this.session, new TextMessage("é".repeat(500)));
		}
		verify(this.session, never()).close(any());
		// Under the limit in characters, over it in bytes.
		this.guard.handleMessage(this.session, new TextMessage("é".repeat(100)));
		assertClosedWithError("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
	}

	@Test
	void framesAfterTheFirstAreNotBoundByTheConnectLimit() throws Exception {
		this.guard.handleMessage(this.session, new TextMessage("CONNECT\n\n\u0000"));
		for (int i = 0; i < 10; i++) {
			this.guard.handleMessage(this.session, new TextMessage("p".repeat(1000)));
		}
		assertThat(this.delegate.messages).hasSize(11);
		verify(this.session, never()).close(any());
	}

	@Test
	void binaryFirstFrameIsBoundToo() throws Exception {
		byte[] part = "p".repeat(1000).getBytes(StandardCharsets.US_ASCII);
		for (int i = 0; i < ConnectionGuard.CONNECT_FRAME_LIMIT / 1000; i++) {
			this.guard.handleMessage(this.session, new BinaryMessage(part));
		}
		verify(this.session, never()).close(any());
		this.guard.handleMessage(this.session, new BinaryMessage(part));
		assertClosedWithError("too-large", CloseStatus.TOO_BIG_TO_PROCESS);
	}

	@Test
	void connectionWhoseConnectTimerRunsOutGetsUnauthorizedAndClose1008() throws Exception {
		assertThat(this.timers).hasSize(1);
		this.timers.get(0).run();
		assertClosedWithError("unauthorized", CloseStatus.POLICY_VIOLATION);
		this.guard.handleMessage(this.session, new TextMessage("CONNECT\n\n\u0000"));
		assertThat(this.delegate.messages).as("passed on after the timeout").isEmpty();
		assertThat(this.meters.get("stompbox.errors").tag("code", "unauthorized").counter().count()).isEqualTo(1);
	}

	@Test
	void connectTimerIsCancelledWhenTheConnectionCloses() throws Exception {
		this.guard.afterConnectionClosed(this.session, CloseStatus.NORMAL);
		verify(this.timer).cancel(false);
		this.timers.get(0).run();
		verify(this.session, never()).sendMessage(any());
	}

	private void assertClosedWithError(String code, CloseStatus status) throws Exception {
		ArgumentCaptor<WebSocketMessage<?>> sent = ArgumentCaptor.forClass(WebSocketMessage.class);
		verify(this.session).sendMessage(sent.capture());
		String frame = ((TextMessage) sent.getValue()).getPayload();
		assertThat(RawFrames.command(frame)).isEqualTo("ERROR");
		assertThat(RawFrames.header(frame, "message")).isEqualTo(code);
		verify(this.session).close(status);
	}

	private ConnectTimeout connectTimeout(ConnectionProperties properties) {
		TaskScheduler scheduler = mock(TaskScheduler.class);
		given(scheduler.schedule(any(Runnable.class), any(Instant.class))).willAnswer((invocation) -> {
			this.timers.add(invocation.getArgument(0));
			return this.timer;
		});
		return new ConnectTimeout(scheduler, properties, Clock.systemUTC());
	}

	private void assertRefused() throws Exception {
		ArgumentCaptor<WebSocketMessage<?>> sent = ArgumentCaptor.forClass(WebSocketMessage.class);
		verify(this.session).sendMessage(sent.capture());
		String frame = ((TextMessage) sent.getValue()).getPayload();
		assertThat(RawFrames.command(frame)).isEqualTo("ERROR");
		assertThat(RawFrames.header(frame, "message")).isEqualTo("too-large");
		verify(this.session).close(CloseStatus.TOO_BIG_TO_PROCESS);
		assertThat(this.delegate.messages).as("messages passed on")
			.hasSizeLessThanOrEqualTo(1)
			.noneSatisfy((message) -> assertThat(message.getPayloadLength()).isGreaterThan(LIMIT));
	}

	private static ConnectionProperties properties(int maxConnections) {
		return new ConnectionProperties(List.of(), maxConnections, Duration.ofMinutes(55), DataSize.ofBytes(LIMIT), 50,
				Duration.ofSeconds(10), Duration.ofSeconds(10), 100, 50, 20);
	}

	private static WebSocketSession session(String id) {
		WebSocketSession session = mock(WebSocketSession.class);
		given(session.getId()).willReturn(id);
		given(session.getAttributes()).willReturn(new HashMap<>());
		given(session.isOpen()).willReturn(true);
		return session;
	}

	/** The STOMP handler's stand-in: records the session and the messages it is given. */
	private static final class Recording implements WebSocketHandler {

		final List<WebSocketMessage<?>> messages = new CopyOnWriteArrayList<>();

		WebSocketSession session;

		/**
		 * What handling a message throws, as Spring's STOMP handler does for a refusal.
		 */
		RuntimeException failure;

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			this.session = session;
		}

		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
			this.messages.add(message);
			if (this.failure != null) {
				throw this.failure;
			}
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
		}

		@Override
		public boolean supportsPartialMessages() {
			return false;
		}

	}

}
