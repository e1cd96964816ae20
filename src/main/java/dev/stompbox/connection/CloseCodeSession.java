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
import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * A session that closes with the code chosen for the failure that ends it. Spring closes
 * with 1002 after any ERROR frame; PROTOCOL.md asks for 1008 on auth failures and 1009
 * for frames too large, so the code is taken from the ERROR frame as it goes out. Every
 * ERROR frame the STOMP handler sends passes here, so here they are counted by code too.
 */
public class CloseCodeSession extends WebSocketSessionDecorator implements FrameWriter {

	private static final Log logger = LogFactory.getLog(CloseCodeSession.class);

	private final StompboxMetrics metrics;

	private final FrameWriter transport;

	/** The message sent directly, which its sender counted. */
	private volatile @Nullable WebSocketMessage<?> sentDirectly;

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
			noteErrorFrame(message);
			getDelegate().sendMessage(message);
		}
	}

	/** Called by the send buffer, one write at a time. */
	@Override
	public void write(WebSocketMessage<?> message, boolean moreFollow, Written written) {
		if (message != this.sentDirectly) {
			noteErrorFrame(message);
		}
		this.transport.write(message, moreFollow, written);
	}

	private void noteErrorFrame(WebSocketMessage<?> message) {
		CloseStatus afterError = CloseCodes.forErrorFrame(message);
		if (afterError != null) {
			CloseCodes.remember(getAttributes(), afterError);
			ErrorCode code = CloseCodes.errorCodeOf(message);
			if (code != null) {
				this.metrics.error(code);
			}
		}
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		CloseStatus chosen = CloseStatus.PROTOCOL_ERROR.equals(status) ? CloseCodes.chosen(getAttributes(), status)
				: status;
		super.close(chosen);
	}

	/**
	 * Writes a message the STOMP handler has not seen, without counting it as an ERROR
	 * frame of the catalogue: through the send buffer, behind what it holds.
	 */
	void sendDirectly(TextMessage message) throws IOException {
		this.sentDirectly = message;
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
	 * Ends the session for a failure found outside the STOMP handler (a frame too large,
	 * no CONNECT in time, a SockJS body too large): the ERROR frame for it, counted here
	 * and sent directly, then the close with the given status.
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

	/**
	 * Closes once what the send buffer holds is written, the message sent directly
	 * included.
	 */
	void closeQuietly(CloseStatus status) {
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
