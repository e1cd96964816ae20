package dev.stompbox.connection;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Frames a session still had queued when it ended do no work; its clean-up still runs.
 */
class EndedSessionsTests {

	private final ConnectionRegistry registry = new ConnectionRegistry();

	private final EndedSessions interceptor = new EndedSessions(this.registry);

	private final MessageChannel channel = mock(MessageChannel.class);

	private final MessageHandler handler = mock(MessageHandler.class);

	private final WebSocketSession session = mock(WebSocketSession.class);

	EndedSessionsTests() {
		given(this.session.getId()).willReturn("s1");
		this.registry.opened(this.session);
	}

	@Test
	void framesOfAnOpenSessionPass() {
		Message<byte[]> join = frame(SimpMessageType.MESSAGE, "s1");
		assertThat(this.interceptor.preSend(join, this.channel)).isSameAs(join);
		assertThat(this.interceptor.beforeHandle(join, this.channel, this.handler)).isSameAs(join);
	}

	@Test
	void framesOfAnEndedSessionAreDroppedBeforeTheyAreSentAndBeforeTheyAreHandled() {
		this.registry.closed(this.session);
		for (SimpMessageType type : new SimpMessageType[] { SimpMessageType.CONNECT, SimpMessageType.SUBSCRIBE,
				SimpMessageType.UNSUBSCRIBE, SimpMessageType.MESSAGE }) {
			Message<byte[]> frame = frame(type, "s1");
			assertThat(this.interceptor.preSend(frame, this.channel)).as("%s sent", type).isNull();
			assertThat(this.interceptor.beforeHandle(frame, this.channel, this.handler)).as("%s handled", type)
				.isNull();
		}
	}

	@Test
	void theDisconnectOfAnEndedSessionPassesSinceItIsTheCleanUp() {
		this.registry.closed(this.session);
		Message<byte[]> disconnect = frame(SimpMessageType.DISCONNECT, "s1");
		assertThat(this.interceptor.preSend(disconnect, this.channel)).isSameAs(disconnect);
		assertThat(this.interceptor.beforeHandle(disconnect, this.channel, this.handler)).isSameAs(disconnect);
	}

	private static Message<byte[]> frame(SimpMessageType type, String sessionId) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(type);
		headers.setSessionId(sessionId);
		return MessageBuilder.createMessage(new byte[0], headers.getMessageHeaders());
	}

}
