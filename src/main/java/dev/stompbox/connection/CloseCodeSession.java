package dev.stompbox.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * A session that closes with the code chosen for the failure that ends it. Spring closes
 * with 1002 after any ERROR frame; PROTOCOL.md asks for 1008 on auth failures and 1009 for
 * frames too large, so the code is taken from the ERROR frame as it goes out. Every ERROR
 * frame the STOMP handler sends passes here, so here they are counted by code too.
 */
class CloseCodeSession extends WebSocketSessionDecorator implements FrameWriter {

	private static final Log logger = LogFactory.getLog(CloseCodeSession.class);

	private final StompboxMetrics metrics;

	private final FrameWriter transport;

	CloseCodeSession(WebSocketSession delegate, StompboxMetrics metrics) {
		super(delegate);
		this.metrics = metrics;
		this.transport = FrameWriter.of(delegate);
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		write(message, false);
	}

	/** Synchronized with {@link #sendDirectly}: the transport takes one writer at a time. */
	@Override
	public synchronized void write(WebSocketMessage<?> message, boolean moreFollow) throws IOException {
		CloseStatus afterError = CloseCodes.forErrorFrame(message);
		if (afterError != null) {
			CloseCodes.remember(getAttributes(), afterError);
			ErrorCode code = CloseCodes.errorCodeOf(message);
			if (code != null) {
				this.metrics.error(code);
			}
		}
		this.transport.write(message, moreFollow);
	}

	@Override
	public synchronized void flush() throws IOException {
		this.transport.flush();
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		CloseStatus chosen = CloseStatus.PROTOCOL_ERROR.equals(status)
				? CloseCodes.chosen(getAttributes(), status) : status;
		super.close(chosen);
	}

	/** Writes to the transport while the STOMP handler has not yet seen the message. */
	synchronized void sendDirectly(WebSocketMessage<?> message) throws IOException {
		this.transport.write(message, false);
	}

	/**
	 * Ends the session for a failure found outside the STOMP handler (a frame too large, no
	 * CONNECT in time, a SockJS body too large): the ERROR frame for it, written straight to
	 * the transport and counted here, then the close with the given status.
	 */
	void refuse(StompboxException error, CloseStatus status) {
		this.metrics.error(error.code());
		try {
			byte[] frame = StompErrorFrames.encode(error);
			sendDirectly(new TextMessage(new String(frame, StandardCharsets.UTF_8)));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not send the " + error.code().code() + " ERROR frame to " + getId());
		}
		finally {
			closeQuietly(status);
		}
	}

	void closeQuietly(CloseStatus status) {
		try {
			getDelegate().close(status);
		}
		catch (IOException | RuntimeException ex) {
			// Already closing: nothing else to do.
		}
	}

}
