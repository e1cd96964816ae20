package dev.stompbox.connection.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.sockjs.transport.session.WebSocketServerSockJsSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Only a plain WebSocket session on Jetty gathers frames and writes through Jetty's own
 * non-blocking flusher ({@link WebSocketContainerIntegrationTests} checks that one does);
 * anything else, SockJS above all, whose frames must be wrapped in its own, writes each
 * message as it comes, on a virtual thread, so that a write that blocks holds no server
 * thread.
 */
class FrameWriterTests {

	@Test
	void aSockJsSessionWritesEachMessageAsItComes() throws Exception {
		WebSocketServerSockJsSession sockJs = mock(WebSocketServerSockJsSession.class);
		FrameWriter writer = FrameWriter.of(sockJs);
		assertThat(writer).isInstanceOf(FrameWriter.OneByOne.class);
		TextMessage message = new TextMessage("MESSAGE\n\n\u0000");
		CompletableFuture<Void> written = new CompletableFuture<>();
		writer.write(message, true, new FrameWriter.Written() {

			@Override
			public void succeeded() {
				written.complete(null);
			}

			@Override
			public void failed(Throwable failure) {
				written.completeExceptionally(failure);
			}

		});
		written.get(5, TimeUnit.SECONDS);
		verify(sockJs).sendMessage(message);
	}

	@Test
	void aSessionOfAnotherKindWritesEachMessageAsItComes() {
		assertThat(FrameWriter.of(mock(WebSocketSession.class))).isInstanceOf(FrameWriter.OneByOne.class);
	}

}
