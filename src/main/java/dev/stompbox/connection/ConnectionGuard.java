package dev.stompbox.connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * Guards the STOMP handler: counts connections against the cap, refuses frames over the
 * size limit with an ERROR frame and close 1009 before anything is decoded, ends
 * connections that do not complete CONNECT in time or send a first frame larger than a
 * CONNECT needs, and ends those whose frame Spring's STOMP handler refused
 * ({@link StompErrorFrames}), each with the ERROR frame and the close code of its error.
 */
class ConnectionGuard extends WebSocketHandlerDecorator {

	private static final Log logger = LogFactory.getLog(ConnectionGuard.class);

	/**
	 * The most a connection's first frame, its CONNECT, may take: before it, the bytes of
	 * a frame without its NUL would otherwise be held up to the frame limit for every
	 * socket that never authenticates. A token that fits in a handshake header (Jetty
	 * takes 8 KiB of headers) fits in a CONNECT of this size.
	 */
	static final int CONNECT_FRAME_LIMIT = 8 * 1024;

	private final ConnectionRegistry registry;

	private final ConnectionProperties properties;

	private final StompboxMetrics metrics;

	private final ConnectTimeout connectTimeout;

	private final Map<String, Inbound> inbound = new ConcurrentHashMap<>();

	ConnectionGuard(WebSocketHandler delegate, ConnectionRegistry registry, ConnectionProperties properties,
			StompboxMetrics metrics, ConnectTimeout connectTimeout) {
		super(delegate);
		this.registry = registry;
		this.properties = properties;
		this.metrics = metrics;
		this.connectTimeout = connectTimeout;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		CloseCodeSession guarded = new CloseCodeSession(session, this.metrics);
		Inbound in = new Inbound(guarded);
		this.inbound.put(session.getId(), in);
		this.registry.opened(guarded);
		this.connectTimeout.opened(session.getId(), () -> refuse(in, ErrorCode.UNAUTHORIZED
			.exception("No CONNECT within " + this.properties.connectTimeout().toMillis() + " ms")));
		this.metrics.connected();
		if (logger.isDebugEnabled()) {
			logger.debug("Connection " + session.getId() + " opened from " + session.getRemoteAddress());
		}
		super.afterConnectionEstablished(guarded);
		// Spring's STOMP handler sets every session's limit to 16 Ki chars, which the
		// container enforces itself with a bare 1009: it must stay above the frame limit,
		// so that this guard answers first, with the too-large ERROR frame.
		session.setTextMessageSizeLimit(this.properties.containerMessageLimit());
		session.setBinaryMessageSizeLimit(this.properties.containerMessageLimit());
		if (this.registry.count() > this.properties.maxConnections()) {
			guarded.close(CloseCodes.TRY_AGAIN_LATER);
		}
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
		Inbound in = this.inbound.get(session.getId());
		if (in == null) {
			return;
		}
		WebSocketMessage<?> whole = in.append(message, this.properties.maxFrameBytes());
		if (whole == Inbound.TOO_LARGE) {
			refuseTooLarge(in.session);
		}
		else if (whole == Inbound.CONNECT_TOO_LARGE) {
			in.session.refuse(ErrorCode.TOO_LARGE
				.exception("A CONNECT frame may take at most " + CONNECT_FRAME_LIMIT + " bytes"));
		}
		else if (whole != null) {
			try {
				super.handleMessage(in.session, whole);
			}
			catch (StompErrorFrames.Refused refused) {
				refuse(in, refused.error());
			}
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
		Inbound in = this.inbound.get(session.getId());
		super.handleTransportError((in != null) ? in.session : session, exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
		Inbound in = this.inbound.remove(session.getId());
		WebSocketSession guarded = (in != null) ? in.session : session;
		this.registry.closed(guarded);
		this.connectTimeout.ended(session.getId());
		if (in != null) {
			// Counted once, and only for a connection counted as opened.
			this.metrics.disconnected(CloseCodes.counted(guarded.getAttributes(), closeStatus));
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Connection " + session.getId() + " closed with " + closeStatus);
		}
		super.afterConnectionClosed(guarded, closeStatus);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	private void refuseTooLarge(CloseCodeSession session) {
		session.refuse(ErrorCode.TOO_LARGE.exception("Frame exceeds " + this.properties.maxFrameBytes() + " bytes"));
	}

	/**
	 * Ends the connection for an error found after its frames were let through; what it
	 * sends afterwards is dropped.
	 */
	private static void refuse(Inbound in, StompboxException error) {
		if (in.end()) {
			in.session.refuse(error);
		}
	}

	/**
	 * Assembles a message from its parts, up to the frame size limit, and counts the
	 * bytes of the connection's first frame up to its NUL, up to
	 * {@link #CONNECT_FRAME_LIMIT}.
	 */
	private static final class Inbound {

		static final WebSocketMessage<?> TOO_LARGE = new BinaryMessage(new byte[0]);

		static final WebSocketMessage<?> CONNECT_TOO_LARGE = new BinaryMessage(new byte[0]);

		private final CloseCodeSession session;

		private StringBuilder text;

		private java.io.ByteArrayOutputStream binary;

		private boolean refused;

		private boolean firstFrameEnded;

		private int firstFrameBytes;

		Inbound(CloseCodeSession session) {
			this.session = session;
		}

		synchronized WebSocketMessage<?> append(WebSocketMessage<?> part, int limit) {
			if (this.refused) {
				return null;
			}
			if (!this.firstFrameEnded && !countFirstFrame(part)) {
				refuse();
				return CONNECT_TOO_LARGE;
			}
			if (part instanceof TextMessage textPart) {
				String payload = textPart.getPayload();
				if (part.isLast() && this.text == null) {
					return exceeds(payload, limit) ? refuse() : part;
				}
				this.text = (this.text != null) ? this.text.append(payload) : new StringBuilder(payload);
				if (this.text.length() > limit) {
					return refuse();
				}
				if (!part.isLast()) {
					return null;
				}
				String whole = this.text.toString();
				this.text = null;
				return exceeds(whole, limit) ? refuse() : new TextMessage(whole);
			}
			if (part instanceof BinaryMessage binaryPart) {
				if (this.binary == null) {
					this.binary = new java.io.ByteArrayOutputStream();
				}
				java.nio.ByteBuffer buffer = binaryPart.getPayload();
				byte[] bytes = new byte[buffer.remaining()];
				buffer.get(bytes);
				this.binary.writeBytes(bytes);
				if (this.binary.size() > limit) {
					return refuse();
				}
				if (!part.isLast()) {
					return null;
				}
				byte[] whole = this.binary.toByteArray();
				this.binary = null;
				return new BinaryMessage(whole);
			}
			return part;
		}

		private WebSocketMessage<?> refuse() {
			this.refused = true;
			this.text = null;
			this.binary = null;
			return TOO_LARGE;
		}

		/** Refuses what follows; {@code false} when it was refused already. */
		synchronized boolean end() {
			if (this.refused) {
				return false;
			}
			refuse();
			return true;
		}

		/**
		 * Adds the part's bytes up to the first NUL to those of the first frame;
		 * {@code false} once they are more than {@link #CONNECT_FRAME_LIMIT}. Frames
		 * after the first, in the same message or not, are not counted: by then the
		 * CONNECT is being decided, and the CONNECT timeout bounds how long that takes.
		 */
		private boolean countFirstFrame(WebSocketMessage<?> part) {
			int room = CONNECT_FRAME_LIMIT - this.firstFrameBytes;
			long bytes;
			int nul;
			if (part instanceof TextMessage textPart) {
				String payload = textPart.getPayload();
				nul = payload.indexOf('\0');
				int end = (nul >= 0) ? nul : payload.length();
				// A UTF-16 unit takes at least one byte: more units than room is too many
				// bytes.
				bytes = (end > room) ? end : utf8Length(payload, end);
			}
			else if (part instanceof BinaryMessage binaryPart) {
				ByteBuffer payload = binaryPart.getPayload();
				nul = -1;
				for (int i = payload.position(); i < payload.limit() && nul < 0; i++) {
					if (payload.get(i) == 0) {
						nul = i;
					}
				}
				bytes = ((nul >= 0) ? nul : payload.limit()) - payload.position();
			}
			else {
				return true;
			}
			if (bytes > room) {
				return false;
			}
			this.firstFrameBytes += (int) bytes;
			this.firstFrameEnded = nul >= 0;
			return true;
		}

		private static long utf8Length(String text, int end) {
			long bytes = 0;
			for (int i = 0; i < end; i++) {
				char c = text.charAt(i);
				// A surrogate pair, 4 bytes in UTF-8, counts 2 for each of its units.
				bytes += (c < 0x80) ? 1 : (c < 0x800 || Character.isSurrogate(c)) ? 2 : 3;
			}
			return bytes;
		}

		private static boolean exceeds(String payload, int limit) {
			// A UTF-8 character takes at most 3 bytes per UTF-16 unit: short text needs
			// no count.
			if (payload.length() * 3L <= limit) {
				return false;
			}
			return payload.length() > limit || payload.getBytes(StandardCharsets.UTF_8).length > limit;
		}

	}

}
