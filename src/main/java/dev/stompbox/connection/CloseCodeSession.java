package dev.stompbox.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

import dev.stompbox.connection.delivery.FrameWriter;
import dev.stompbox.connection.delivery.SendBuffer;
import dev.stompbox.error.StompboxException;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * The session as {@link ConnectionGuard} hands it on: it ends the connection for an error
 * with the error's ERROR frame and close code ({@link #refuse}), and it closes with the
 * code an inbound check left for its error where Spring's STOMP handler, after the ERROR
 * frame, closes with 1002 ({@link CloseCodes}). Every write goes through the session's
 * send buffer once there is one.
 */
public class CloseCodeSession extends WebSocketSessionDecorator implements FrameWriter {

	private static final Log logger = LogFactory.getLog(CloseCodeSession.class);

	private final StompboxMetrics metrics;

	private final FrameWriter transport;

	/** The session's send buffer, once Spring's STOMP handler has made it. */
	private volatile @Nullable SendBuffer buffer;

	CloseCodeSession(WebSocketSession delegate, StompboxMetrics metrics) {
		super(delegate);
		this.metrics = metrics;
		this.transport = FrameWriter.of(delegate);
	}

	/** Every write to the session goes through its send buffer from now on. */
	public void writesThrough(SendBuffer buffer) {
		this.buffer = buffer;
	}

	/**
	 * Queued behind what the send buffer holds; written without waiting for the client.
	 */
	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		SendBuffer through = this.buffer;
		if (through != null) {
			through.sendMessage(message);
		}
		else {
			// No send buffer yet: never so once Spring's STOMP handler knows the session.
			getDelegate().sendMessage(message);
		}
	}

	/** Called by the send buffer, one write at a time. */
	@Override
	public void write(WebSocketMessage<?> message, boolean moreFollow, Written written) {
		this.transport.write(message, moreFollow, written);
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		CloseStatus chosen = CloseStatus.PROTOCOL_ERROR.equals(status) ? CloseCodes.chosen(getAttributes(), status)
				: status;
		super.close(chosen);
	}

	/**
	 * Ends the session for an error found past Spring's STOMP handler (a frame too large,
	 * no CONNECT in time, a frame Spring could not take, a SockJS body too large): the
	 * ERROR frame for it, counted here and written behind what the send buffer holds,
	 * then the close with its code's close code.
	 */
	void refuse(StompboxException error) {
		this.metrics.error(error.code());
		try {
			byte[] frame = StompErrorFrames.encode(error);
			sendDirectly(new TextMessage(new String(frame, StandardCharsets.UTF_8)));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not send the " + error.code().code() + " ERROR frame to " + getId());
		}
		finally {
			closeQuietly(CloseCodes.forError(error.code()));
		}
	}

	/**
	 * Writes a message the STOMP handler has not seen: through the send buffer, behind
	 * what it holds.
	 */
	private void sendDirectly(TextMessage message) throws IOException {
		SendBuffer through = this.buffer;
		if (through != null) {
			// Not through sendMessage, which would take the callback Spring set for its
			// own next message.
			if (through.enqueue(message)) {
				through.flush();
			}
		}
		else {
			// No send buffer yet: never so once Spring's STOMP handler knows the session.
			getDelegate().sendMessage(message);
		}
	}

	/**
	 * Closes once what the send buffer holds is written, the message sent directly
	 * included.
	 */
	private void closeQuietly(CloseStatus status) {
		try {
			SendBuffer through = this.buffer;
			if (through != null) {
				through.close(status);
			}
			else {
				getDelegate().close(status);
			}
		}
		catch (IOException | RuntimeException ex) {
			// Already closing: nothing else to do.
		}
	}

}
