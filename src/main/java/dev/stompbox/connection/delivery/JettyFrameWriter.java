package dev.stompbox.connection.delivery;

import java.nio.ByteBuffer;

import jakarta.websocket.Session;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketRemoteEndpoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * Hands frames to Jetty's own frame flusher, which writes them without blocking: the
 * callback runs once the frame is written, on the caller's thread when the socket took it
 * at once, else on a Jetty thread once the client has read enough. The Jakarta API's
 * blocking {@code Basic.sendText} would hold the calling thread as long as the client
 * does not read.
 * <p>
 * It also gathers frames in Jetty's batch: a frame written with more to follow is copied
 * into the connection's batch buffer (its callback runs then), and the next frame written
 * without goes out with it in one {@code writev}. The Jakarta API cannot ask for that
 * ({@code Basic.sendText} always writes at once, whatever {@code setBatchingAllowed}
 * says), so this goes one level down, to the remote endpoint's frames, as
 * {@code sendText} itself does. Frames too large for the batch buffer are written as
 * before, in the same {@code writev}.
 */
public final class JettyFrameWriter implements FrameWriter {

	private final WebSocketSession session;

	private final JakartaWebSocketRemoteEndpoint remote;

	private JettyFrameWriter(WebSocketSession session, JakartaWebSocketRemoteEndpoint remote) {
		this.session = session;
		this.remote = remote;
	}

	/**
	 * The writer for a plain WebSocket session on Jetty; null for anything else. A SockJS
	 * session over WebSocket hands out the same native session, but its frames must be
	 * wrapped in SockJS's own, so only Spring's standard session qualifies.
	 */
	static @Nullable FrameWriter of(WebSocketSession session) {
		Session container = (session instanceof StandardWebSocketSession standard) ? standard.getNativeSession() : null;
		if (container != null && container.getBasicRemote() instanceof JakartaWebSocketRemoteEndpoint remote) {
			return new JettyFrameWriter(session, remote);
		}
		return null;
	}

	@Override
	public void write(WebSocketMessage<?> message, boolean moreFollow, Written written) {
		Frame frame = frameOf(message);
		if (frame == null) {
			// A part of a message: Spring's STOMP handler sends none.
			new OneByOne(this.session).write(message, moreFollow, written);
			return;
		}
		this.remote.sendFrame(frame, Callback.from(written::succeeded, written::failed), moreFollow);
	}

	private static @Nullable Frame frameOf(WebSocketMessage<?> message) {
		if (!message.isLast()) {
			return null;
		}
		if (message instanceof TextMessage text) {
			return new Frame(OpCode.TEXT).setPayload(ByteBuffer.wrap(text.asBytes()));
		}
		if (message instanceof BinaryMessage binary) {
			return new Frame(OpCode.BINARY).setPayload(binary.getPayload().slice());
		}
		if (message instanceof PingMessage ping) {
			return new Frame(OpCode.PING).setPayload(ping.getPayload().slice());
		}
		if (message instanceof PongMessage pong) {
			return new Frame(OpCode.PONG).setPayload(pong.getPayload().slice());
		}
		return null;
	}

}
