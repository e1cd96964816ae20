package dev.stompbox.connection.delivery;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Writes one connection's frames without blocking the caller: a write to a client that
 * stopped reading must hold up no server thread (PROTOCOL.md section 6), so a write only
 * starts here and reports when it is done. A frame written with more to follow may be
 * held back and go out with the ones after it, in one write to the socket: under load a
 * subscriber has several frames queued at once, and each write is a system call, which is
 * most of what a delivery costs.
 */
public interface FrameWriter {

	/**
	 * Starts writing the message, or, with {@code moreFollow}, may hold it back until a
	 * message written without it. {@code written} is told once, on this thread when the
	 * write is done at once, else later on another; never before an earlier message's
	 * write is done.
	 */
	void write(WebSocketMessage<?> message, boolean moreFollow, Written written);

	/** The writer for a container's session: gathering where the container allows it. */
	static FrameWriter of(WebSocketSession session) {
		FrameWriter jetty = JettyFrameWriter.of(session);
		return (jetty != null) ? jetty : new OneByOne(session);
	}

	/** What a write reports once it is done. */
	interface Written {

		void succeeded();

		void failed(Throwable failure);

	}

	/**
	 * Each message written on its own, through the session's blocking
	 * {@code sendMessage}, on a virtual thread of its own: SockJS, whose frames must be
	 * wrapped in its own, and containers other than Jetty. A blocked write then parks
	 * only that virtual thread.
	 */
	record OneByOne(WebSocketSession session) implements FrameWriter {

		private static final Log logger = LogFactory.getLog(OneByOne.class);

		@Override
		public void write(WebSocketMessage<?> message, boolean moreFollow, Written written) {
			Thread.ofVirtual().name("stompbox-write-" + this.session.getId()).start(() -> {
				try {
					this.session.sendMessage(message);
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("Writing to " + this.session.getId() + " failed: " + ex.getMessage());
					written.failed(ex);
					return;
				}
				written.succeeded();
			});
		}

	}

}
