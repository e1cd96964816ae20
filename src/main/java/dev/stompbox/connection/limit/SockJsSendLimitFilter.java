package dev.stompbox.connection.limit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.stompbox.connection.ConnectionProperties;
import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.connection.SockJsSendRefused;
import dev.stompbox.error.ErrorCode;
import dev.stompbox.session.SockJsRequest;

/**
 * Refuses a SockJS {@code xhr_send} body over twice {@code STOMPBOX_MAX_FRAME_SIZE} with
 * 413 and ends its session with the {@code too-large} ERROR frame and close 1009
 * (PROTOCOL.md section 5). Spring's SockJS handler reads a body whole, with no limit,
 * before it looks at it; here a declared length is refused before any of the body is
 * read, and a chunked body is read only up to the limit. Twice the frame limit, because a
 * frame within the limit takes more once it is JSON-escaped into a SockJS message.
 *
 * <p>
 * Runs after the security filters: the session of the request's URL is closed only for a
 * request that got this far; and before the cluster's SockJS relay, which relays a body
 * only once it is within the limit.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 50)
class SockJsSendLimitFilter extends OncePerRequestFilter {

	private static final String SEND_TRANSPORT = "xhr_send";

	/**
	 * How much of a refused body is read and dropped so the client can take its answer:
	 * closed with the body unread, the connection is reset, which can wipe the 413 from
	 * the client's buffer before it reads it. Read in small pieces that are not kept;
	 * beyond this much the connection is cut.
	 */
	static final long DISCARDED_BODY_BYTES = 32L * 1024 * 1024;

	private final ConnectionProperties properties;

	private final ConnectionRegistry registry;

	private final ApplicationEventPublisher events;

	SockJsSendLimitFilter(ConnectionProperties properties, ConnectionRegistry registry,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.registry = registry;
		this.events = events;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		SockJsRequest sockJs = SockJsRequest.of(request);
		return !"POST".equals(request.getMethod()) || sockJs == null || !SEND_TRANSPORT.equals(sockJs.transport());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long limit = limit();
		long declared = request.getContentLengthLong();
		if (declared > limit) {
			refuse(request, response);
			return;
		}
		if (declared >= 0) {
			// The container reads no more than the declared length.
			chain.doFilter(request, response);
			return;
		}
		byte[] body = request.getInputStream().readNBytes((int) limit + 1);
		if (body.length > limit) {
			refuse(request, response);
			return;
		}
		chain.doFilter(new ReadBody(request, body), response);
	}

	/**
	 * Twice the frame limit: what {@link ConnectionProperties#containerMessageLimit()}
	 * allows a WebSocket message.
	 */
	private long limit() {
		return this.properties.containerMessageLimit();
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String message = "SockJS message body exceeds " + limit() + " bytes";
		SockJsRequest send = SockJsRequest.of(request);
		if (send != null && !this.registry.refuse(send.sessionId(), ErrorCode.TOO_LARGE.exception(message))) {
			// Another instance may hold the session (cluster mode): it ends it there.
			this.events.publishEvent(new SockJsSendRefused(request, send.sessionId(), message));
		}
		response.setStatus(ErrorCode.TOO_LARGE.httpStatus());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.getWriter()
			.write("{\"error\":\"" + ErrorCode.TOO_LARGE.code() + "\",\"message\":\"" + message + "\"}");
		response.flushBuffer();
		discardBody(request);
	}

	private static void discardBody(HttpServletRequest request) {
		if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
			// Told the final answer instead of 100 Continue, the client sends no body.
			return;
		}
		byte[] sink = new byte[16 * 1024];
		long left = DISCARDED_BODY_BYTES;
		try {
			InputStream in = request.getInputStream();
			int n;
			while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
				left -= n;
			}
		}
		catch (IOException ex) {
			// The client went away: nothing left to protect.
		}
	}

	/** The request with its body, already read up to the limit, served from memory. */
	private static final class ReadBody extends HttpServletRequestWrapper {

		private final byte[] body;

		ReadBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return in.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					return in.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("The body was already read");
				}

			};
		}

	}

}
