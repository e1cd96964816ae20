package dev.stompbox.connection;

import java.io.IOException;

import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Writes one connection's frames. A frame written with more to follow may be held back and go
 * out with the ones after it, in one write to the socket: under load a subscriber has several
 * frames queued at once, and each write is a system call, which is most of what a delivery
 * costs.
 */
interface FrameWriter {

	/**
	 * Writes the message, or, with {@code moreFollow}, may hold it back until a message written
	 * without it, or {@link #flush()}.
	 */
	void write(WebSocketMessage<?> message, boolean moreFollow) throws IOException;

	/** Writes what is held back. */
	void flush() throws IOException;

	/** The writer for a container's session: gathering where the container allows it. */
	static FrameWriter of(WebSocketSession session) {
		FrameWriter jetty = JettyFrameWriter.of(session);
		return (jetty != null) ? jetty : new OneByOne(session);
	}

	/** Each message written on its own: SockJS, and containers other than Jetty. */
	record OneByOne(WebSocketSession session) implements FrameWriter {

		@Override
		public void write(WebSocketMessage<?> message, boolean moreFollow) throws IOException {
			this.session.sendMessage(message);
		}

		@Override
		public void flush() {
		}

	}

}
