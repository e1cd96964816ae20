package dev.stompbox.connection;

import java.io.IOException;
import java.nio.ByteBuffer;

import jakarta.websocket.Session;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketRemoteEndpoint;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * Gathers frames in Jetty's own batch: a text frame written with more to follow is copied
 * into the connection's batch buffer, and the next frame written without goes out with it in
 * one {@code writev}. The Jakarta API cannot ask for that ({@code Basic.sendText} always
 * writes at once, whatever {@code setBatchingAllowed} says), so this goes one level down, to
 * the remote endpoint's frames, as {@code sendText} itself does. Frames too large for the
 * batch buffer are written as before, in the same {@code writev}.
 * <p>
 * Called with the session's writer lock held ({@link CloseCodeSession}), as Spring's own
 * writes are.
 */
final class JettyFrameWriter implements FrameWriter {

	private final WebSocketSession session;

	private final JakartaWebSocketRemoteEndpoint remote;

	private boolean held;

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
	public void write(WebSocketMessage<?> message, boolean moreFollow) throws IOException {
		if (!(message instanceof TextMessage text) || !text.isLast()) {
			// Anything else goes out at once, and with it what is held back.
			this.session.sendMessage(message);
			this.held = false;
			return;
		}
		FutureCallback written = new FutureCallback();
		this.remote.sendFrame(new Frame(OpCode.TEXT).setPayload(ByteBuffer.wrap(text.asBytes())), written, moreFollow);
		// A frame held back is done once copied to the batch buffer, so this waits only for a write.
		written.block();
		this.held = moreFollow;
	}

	@Override
	public void flush() throws IOException {
		if (this.held) {
			this.held = false;
			this.remote.flushBatch();
		}
	}

}
