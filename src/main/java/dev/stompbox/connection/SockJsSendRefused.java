package dev.stompbox.connection;

import jakarta.servlet.http.HttpServletRequest;

/**
 * An {@code xhr_send} body over the limit was refused with 413 for a SockJS session this
 * instance does not hold: in cluster mode the instance that holds it ends it with the
 * {@code too-large} ERROR frame, as the one that refused would have ended a session of
 * its own. Published on the request's thread, while the request is still there to read
 * its token from.
 *
 * @param request the refused request
 * @param sessionId the session of its address
 * @param message what the ERROR frame says
 */
public record SockJsSendRefused(HttpServletRequest request, String sessionId, String message) {
}
