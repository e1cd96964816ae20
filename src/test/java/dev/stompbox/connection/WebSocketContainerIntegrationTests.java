package dev.stompbox.connection;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.ee11.websocket.jakarta.common.UpgradeRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

import dev.stompbox.connection.delivery.FrameWriter;
import dev.stompbox.connection.delivery.JettyFrameWriter;
import dev.stompbox.connection.delivery.SendBuffer;
import dev.stompbox.connection.delivery.SendBuffers;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The container's own limits, which it enforces before Stompbox sees a message: no idle
 * timeout (Jetty's default closes a silent connection after 30 s, whatever heart-beats
 * the client chose), and a message limit above the frame limit, so that an oversized
 * frame is answered with the too-large ERROR frame ({@link FrameSizeIntegrationTests}).
 * And what the container keeps of a handshake once the session is open: not the HTTP
 * request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.max-frame-size=100KB" })
class WebSocketContainerIntegrationTests {

	@Autowired
	ServletContext servletContext;

	@Autowired
	ConnectionRegistry connections;

	@Autowired
	SendBuffers sendBuffers;

	@LocalServerPort
	int port;

	@Test
	void silentConnectionsAreNotTimedOutByTheContainer() {
		assertThat(container().getDefaultMaxSessionIdleTimeout()).isZero();
	}

	@Test
	void theContainersMessageLimitIsTwiceTheFrameLimit() {
		assertThat(container().getDefaultMaxTextMessageBufferSize()).isEqualTo(2 * 100 * 1024);
		assertThat(container().getDefaultMaxBinaryMessageBufferSize()).isEqualTo(2 * 100 * 1024);
	}

	@Test
	void theContainerLetsGoOfTheHandshakeRequestOnceTheSessionIsOpen() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			assertThat(this.connections.sessionIds()).isNotEmpty().allSatisfy((id) -> {
				WebSocketSession session = WebSocketSessionDecorator.unwrap(this.sendBuffers.get(id));
				assertThat(session.getUri()).hasPath("/ws");
				UpgradeRequest kept = ((NativeWebSocketSession) session).getNativeSession(JakartaWebSocketSession.class)
					.getFrameHandler()
					.getUpgradeRequest();
				// What Jetty kept can no longer reach the servlet request.
				assertThatIllegalStateException().isThrownBy(kept::getRequestURI).withMessageContaining("released");
			});
		}
	}

	/**
	 * Jetty gathers each text message in a new builder of the input buffer's size: small,
	 * since most frames are, and grown for a large one.
	 */
	@Test
	void aLargeFrameArrivesWholeThroughTheSmallMessageBuilder() {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			WebSocketSession session = WebSocketSessionDecorator
				.unwrap(this.sendBuffers.get(this.connections.sessionIds().iterator().next()));
			assertThat(((NativeWebSocketSession) session).getNativeSession(JakartaWebSocketSession.class)
				.getCoreSession()
				.getInputBufferSize()).isEqualTo(512);
			String padding = "x".repeat(90 * 1024);
			client.send("SUBSCRIBE\nid:s1\ndestination:/user/queue/errors\npadding:" + padding + "\nreceipt:r1\n\n\0");
			String receipt = client.nextCommandFrame();
			assertThat(RawStompSocket.command(receipt)).isEqualTo("RECEIPT");
			assertThat(RawStompSocket.header(receipt, "receipt-id")).isEqualTo("r1");
		}
	}

	@Test
	void framesQueuedTogetherGoOutInJettysBatchAndReachTheClientWholeAndInOrder() throws Exception {
		try (RawStompSocket client = RawStompSocket.connected(this.port, TestTokens.forUser("alice"))) {
			SendBuffer buffer = this.sendBuffers.get(this.connections.sessionIds().iterator().next());
			assertThat(FrameWriter.of(WebSocketSessionDecorator.unwrap(buffer))).isInstanceOf(JettyFrameWriter.class);
			List<String> frames = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				// Frames of 300 bytes fill more than one batch buffer; the last is larger
				// than a batch takes.
				String body = "m" + i + "-" + ((i < 19) ? "x".repeat(300) : "y".repeat(5000));
				frames.add("MESSAGE\ndestination:/topic/t\nsubscription:s\n\n" + body + "\0");
				assertThat(buffer.enqueue(new TextMessage(frames.get(i)))).isTrue();
			}
			buffer.flush();
			for (String frame : frames) {
				assertThat(client.nextFrame()).isEqualTo(frame);
			}
		}
	}

	private ServerContainer container() {
		return (ServerContainer) this.servletContext.getAttribute(ServerContainer.class.getName());
	}

}
