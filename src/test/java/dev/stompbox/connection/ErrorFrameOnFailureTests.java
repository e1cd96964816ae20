package dev.stompbox.connection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.metrics.StompboxMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed check of an inbound frame becomes an ERROR frame for its session, not a log
 * line, and leaves the close code of its error for the close that follows.
 */
class ErrorFrameOnFailureTests {

	private final List<Message<?>> outbound = new CopyOnWriteArrayList<>();

	private final MessageChannel clientOutbound = (message, timeout) -> this.outbound.add(message);

	private final MessageChannel inbound = (message, timeout) -> true;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final StompboxMetrics metrics = new StompboxMetrics(this.meters);

	@Test
	void frameThatPassesTheCheckGoesOnAsTheCheckReturnsIt() {
		Message<byte[]> frame = clientFrame();
		Message<byte[]> replaced = MessageBuilder.withPayload(new byte[] { 1 }).build();
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(new ChannelInterceptor() {

			@Override
			public Message<?> preSend(Message<?> message, MessageChannel channel) {
				return replaced;
			}

		}, this.clientOutbound, this.metrics);
		assertThat(interceptor.preSend(frame, this.inbound)).isSameAs(replaced);
		assertThat(this.outbound).isEmpty();
	}

	@Test
	void frameTheCheckDropsIsDroppedWithoutErrorFrame() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(new ChannelInterceptor() {

			@Override
			public Message<?> preSend(Message<?> message, MessageChannel channel) {
				return null;
			}

		}, this.clientOutbound, this.metrics);
		assertThat(interceptor.preSend(clientFrame(), this.inbound)).isNull();
		assertThat(this.outbound).isEmpty();
	}

	@Test
	void failedCheckSendsAnErrorFrameWithItsCodeToTheSessionAndDropsTheFrame() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(
				failing(ErrorCode.UNAUTHORIZED.exception("A token is required")), this.clientOutbound, this.metrics);
		assertThat(interceptor.preSend(clientFrame(), this.inbound)).isNull();
		assertThat(this.outbound).singleElement().satisfies((message) -> {
			StompHeaderAccessor headers = StompHeaderAccessor.wrap(message);
			assertThat(headers.getCommand()).isEqualTo(StompCommand.ERROR);
			assertThat(headers.getSessionId()).isEqualTo("s1");
			assertThat(headers.getMessage()).isEqualTo("unauthorized");
		});
	}

	@Test
	void failedCheckLeavesTheCloseCodeOfItsErrorOnTheSessionAndCountsIt() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(
				failing(ErrorCode.LIMIT_EXCEEDED.exception("At most 20 connections per user")), this.clientOutbound,
				this.metrics);
		Message<byte[]> frame = clientFrame();
		interceptor.preSend(frame, this.inbound);
		assertThat(CloseCodes.remembered(SimpMessageHeaderAccessor.getSessionAttributes(frame.getHeaders())))
			.isEqualTo(CloseStatus.POLICY_VIOLATION);
		assertThat(ErrorFrameOnFailure.endedWithError(frame.getHeaders())).isTrue();
		assertThat(this.meters.get("stompbox.errors").tag("code", "limit-exceeded").counter().count()).isEqualTo(1);
	}

	@Test
	void sessionRefusedOnceGetsNoSecondErrorFrame() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(
				failing(ErrorCode.FORBIDDEN.exception("Not your room")), this.clientOutbound, this.metrics);
		Map<String, Object> attributes = new HashMap<>();
		assertThat(interceptor.preSend(clientFrame(attributes), this.inbound)).isNull();
		assertThat(interceptor.preSend(clientFrame(attributes), this.inbound)).isNull();
		assertThat(this.outbound).hasSize(1);
		assertThat(this.meters.get("stompbox.errors").tag("code", "forbidden").counter().count()).isEqualTo(1);
	}

	@Test
	void unexpectedFailureOfACheckIsAnInternalErrorFrame() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(failing(new IllegalStateException("bug")),
				this.clientOutbound, this.metrics);
		assertThat(interceptor.preSend(clientFrame(), this.inbound)).isNull();
		assertThat(this.outbound).singleElement()
			.satisfies((message) -> assertThat(StompHeaderAccessor.wrap(message).getMessage()).isEqualTo("internal"));
	}

	@Test
	void otherCallbacksReachTheCheck() {
		List<String> calls = new CopyOnWriteArrayList<>();
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(new ChannelInterceptor() {

			@Override
			public void postSend(Message<?> message, MessageChannel channel, boolean sent) {
				calls.add("postSend");
			}

			@Override
			public void afterSendCompletion(Message<?> message, MessageChannel channel, boolean sent, Exception ex) {
				calls.add("afterSendCompletion");
			}

		}, this.clientOutbound, this.metrics);
		interceptor.postSend(clientFrame(), this.inbound, true);
		interceptor.afterSendCompletion(clientFrame(), this.inbound, true, null);
		assertThat(calls).containsExactly("postSend", "afterSendCompletion");
	}

	private static ChannelInterceptor failing(RuntimeException failure) {
		return new ChannelInterceptor() {

			@Override
			public Message<?> preSend(Message<?> message, MessageChannel channel) {
				throw failure;
			}

		};
	}

	private static Message<byte[]> clientFrame() {
		return clientFrame(new HashMap<>());
	}

	private static Message<byte[]> clientFrame(Map<String, Object> sessionAttributes) {
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.CONNECT);
		headers.setSessionId("s1");
		headers.setSessionAttributes(sessionAttributes);
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

}
