package dev.stompbox.session;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request of a SockJS session: {@code /sockjs/{server}/{session}/{transport}}.
 * The session id travels in the URL, so the filters that guard a session (its owner, its
 * body limit) read it from there, in this one place.
 *
 * @param sessionId the SockJS session id, which is also the id of the session's
 * connection
 * @param transport for example {@code xhr_send}, {@code xhr}, {@code xhr_streaming}
 */
public record SockJsRequest(String sessionId, String transport) {

	private static final String PREFIX = StompEndpoints.SOCKJS + "/";

	/** The SockJS session request this is, or {@code null} for any other request. */
	public static @Nullable SockJsRequest of(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (!path.startsWith(PREFIX)) {
			return null;
		}
		String[] parts = path.substring(PREFIX.length()).split("/", -1);
		if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
			return null;
		}
		return new SockJsRequest(parts[1], parts[2]);
	}

}
