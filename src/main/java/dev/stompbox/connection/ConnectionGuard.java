package dev.stompbox.connection;

import java.io.IOException;
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
import dev.stompbox.metrics.StompboxMetrics;

/**
 * Guards the STOMP handler: counts connections against the cap, refuses frames over the
 * size limit with an ERROR frame and close 1009 before anything is decoded, and closes with
 * the code {@link CloseCodes} chose rather than Spring's blanket 1002.
 */
class ConnectionGuard extends WebSocketHandlerDecorator {

	private static final Log logger = LogFactory.getLog(ConnectionGuard.class);

	private final ConnectionRegistry registry;

	private final ConnectionProperties properties;

	private final StompboxMetrics metrics;

	private final Map<String, Inbound> inbound = new ConcurrentHashMap<>();

	ConnectionGuard(WebSocketHandler delegate, ConnectionRegistry registry, ConnectionProperties properties,
			StompboxMetrics metrics) {
		super(delegate);
		this.registry = registry;
		this.properties = properties;
		this.metrics = metrics;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		CloseCodeSession guarded = new CloseCodeSession(session, this.metrics);
		this.inbound.put(session.getId(), new Inbound(guarded));
		this.registry.opened(guarded);
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
		else if (whole != null) {
			super.handleMessage(in.session, whole);
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
		// Written straight to the transport, past where other ERROR frames are counted.
		this.metrics.error(ErrorCode.TOO_LARGE);
		try {
			byte[] frame = StompErrorFrames.encode(ErrorCode.TOO_LARGE
				.exception("Frame exceeds " + this.properties.maxFrameBytes() + " bytes"));
			session.sendDirectly(new TextMessage(new String(frame, StandardCharsets.UTF_8)));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not send the too-large ERROR frame to " + session.getId());
		}
		finally {
			session.closeQuietly(CloseStatus.TOO_BIG_TO_PROCESS);
		}
	}

	/** Assembles a message from its parts, up to the frame size limit. */
	private static final class Inbound {

		static final WebSocketMessage<?> TOO_LARGE = new BinaryMessage(new byte[0]);

		private final CloseCodeSession session;

		private StringBuilder text;

		private java.io.ByteArrayOutputStream binary;

		private boolean refused;

		Inbound(CloseCodeSession session) {
			this.session = session;
		}

		synchronized WebSocketMessage<?> append(WebSocketMessage<?> part, int limit) {
			if (this.refused) {
				return null;
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

		private static boolean exceeds(String payload, int limit) {
			// A UTF-8 character takes at most 3 bytes per UTF-16 unit: short text needs no count.
			if (payload.length() * 3L <= limit) {
				return false;
			}
			return payload.length() > limit || payload.getBytes(StandardCharsets.UTF_8).length > limit;
		}

	}

}
