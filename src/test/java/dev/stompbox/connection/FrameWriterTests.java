package dev.stompbox.connection;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.sockjs.transport.session.WebSocketServerSockJsSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Only a plain WebSocket session on Jetty gathers frames
 * ({@link WebSocketContainerIntegrationTests} checks that one does); anything else, SockJS
 * above all, whose frames must be wrapped in its own, writes each message as it comes.
 */
class FrameWriterTests {

	@Test
	void aSockJsSessionWritesEachMessageAsItComes() throws Exception {
		WebSocketServerSockJsSession sockJs = mock(WebSocketServerSockJsSession.class);
		FrameWriter writer = FrameWriter.of(sockJs);
		assertThat(writer).isInstanceOf(FrameWriter.OneByOne.class);
		TextMessage message = new TextMessage("MESSAGE\n\n\u0000");
		writer.write(message, true);
		verify(sockJs).sendMessage(message);
	}

	@Test
	void aSessionOfAnotherKindWritesEachMessageAsItComes() {
		assertThat(FrameWriter.of(mock(WebSocketSession.class))).isInstanceOf(FrameWriter.OneByOne.class);
	}

}
