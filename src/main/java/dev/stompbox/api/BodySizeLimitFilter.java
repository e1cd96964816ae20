package dev.stompbox.api;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.stompbox.error.ErrorCode;

/**
 * Refuses server API bodies over 1 MiB with 413 {@code too-large}: at once when the
 * length is declared, and as soon as the limit is crossed when it is not.
 */
@Component
class BodySizeLimitFilter extends OncePerRequestFilter {

	static final long MAX_BODY_BYTES = 1024 * 1024;

	/**
	 * How much of a refused body is read and dropped so the client can take its answer.
	 */
	static final long DISCARDED_BODY_BYTES = 4 * MAX_BODY_BYTES;

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > MAX_BODY_BYTES) {
			response.setStatus(ErrorCode.TOO_LARGE.httpStatus());
			response.setContentType("application/json");
			response.getWriter()
				.write("{\"error\":\"too-large\",\"message\":\"Body exceeds " + MAX_BODY_BYTES + " bytes\"}");
			response.flushBuffer();
			discardBody(request);
			return;
		}
		chain.doFilter(new LimitedRequest(request), response);
	}

	/**
	 * Reads what the client is still sending, up to {@link #DISCARDED_BODY_BYTES}, before
	 * the connection closes: closed with the body unread, the kernel answers the client's
	 * next segments with a reset, which can wipe the 413 from the client's buffer before
	 * it reads it (seen in CI: "header parser received no bytes").
	 */
	private static void discardBody(HttpServletRequest request) {
		byte[] sink = new byte[16 * 1024];
		long left = Math.min(request.getContentLengthLong(), DISCARDED_BODY_BYTES);
		try {
			ServletInputStream in = request.getInputStream();
			int n;
			while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
				left -= n;
			}
		}
		catch (IOException ex) {
			// the client went away: nothing left to protect
		}
	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {

		LimitedRequest(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			ServletInputStream in = super.getInputStream();
			return new ServletInputStream() {

				private long read;

				@Override
				public int read() throws IOException {
					int b = in.read();
					if (b >= 0) {
						count(1);
					}
					return b;
				}

				@Override
				public int read(byte[] buffer, int offset, int length) throws IOException {
					int n = in.read(buffer, offset, length);
					if (n > 0) {
						count(n);
					}
					return n;
				}

				private void count(int n) {
					this.read += n;
					if (this.read > MAX_BODY_BYTES) {
						throw ErrorCode.TOO_LARGE.exception("Body exceeds " + MAX_BODY_BYTES + " bytes");
					}
				}

				@Override
				public boolean isFinished() {
					return in.isFinished();
				}

				@Override
				public boolean isReady() {
					return in.isReady();
				}

				@Override
				public void setReadListener(ReadListener listener) {
					in.setReadListener(listener);
				}

			};
		}

	}

}
