package dev.stompbox.connection;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;

import dev.stompbox.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed check of an inbound frame becomes an ERROR frame for its session, not a log
 * line.
 */
class ErrorFrameOnFailureTests {

	private final List<Message<?>> outbound = new CopyOnWriteArrayList<>();

	private final MessageChannel clientOutbound = (message, timeout) -> this.outbound.add(message);

	private final MessageChannel inbound = (message, timeout) -> true;

	@Test
	void frameThatPassesTheCheckGoesOnAsTheCheckReturnsIt() {
		Message<byte[]> frame = clientFrame();
		Message<byte[]> replaced = MessageBuilder.withPayload(new byte[] { 1 }).build();
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(new ChannelInterceptor() {

			@Override
			public Message<?> preSend(Message<?> message, MessageChannel channel) {
				return replaced;
			}

		}, this.clientOutbound);
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

		}, this.clientOutbound);
		assertThat(interceptor.preSend(clientFrame(), this.inbound)).isNull();
		assertThat(this.outbound).isEmpty();
	}

	@Test
	void failedCheckSendsAnErrorFrameWithItsCodeToTheSessionAndDropsTheFrame() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(
				failing(ErrorCode.UNAUTHORIZED.exception("A token is required")), this.clientOutbound);
		assertThat(interceptor.preSend(clientFrame(), this.inbound)).isNull();
		assertThat(this.outbound).singleElement().satisfies((message) -> {
			StompHeaderAccessor headers = StompHeaderAccessor.wrap(message);
			assertThat(headers.getCommand()).isEqualTo(StompCommand.ERROR);
			assertThat(headers.getSessionId()).isEqualTo("s1");
			assertThat(headers.getMessage()).isEqualTo("unauthorized");
		});
	}

	@Test
	void unexpectedFailureOfACheckIsAnInternalErrorFrame() {
		ErrorFrameOnFailure interceptor = new ErrorFrameOnFailure(failing(new IllegalStateException("bug")),
				this.clientOutbound);
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

		}, this.clientOutbound);
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
		StompHeaderAccessor headers = StompHeaderAccessor.create(StompCommand.CONNECT);
		headers.setSessionId("s1");
		headers.setLeaveMutable(true);
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

}
