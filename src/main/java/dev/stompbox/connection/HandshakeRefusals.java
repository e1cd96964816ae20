package dev.stompbox.connection;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.session.SockJsRequest;

/**
 * Counts SockJS's refused handshakes by why ({@code stompbox.handshakes.refused}), read
 * from the answer: the refusals come from Spring's origin check and from the cap and
 * token interceptors, and the status is what each of them agrees on. The receiving
 * requests count (the first of a session is its handshake, and only an origin can refuse
 * a later one); its {@code xhr_send}s and {@code /info} do not. {@code /ws}'s, and those
 * of the websocket transport with plain ids, are counted by
 * {@link WebSocketHandshakeFilter}, which takes them before this filter.
 */
@Component
class HandshakeRefusals extends OncePerRequestFilter {

	private static final Set<String> OPENING_TRANSPORTS = Set.of("websocket", "xhr", "xhr_streaming");

	private final StompboxMetrics metrics;

	HandshakeRefusals(StompboxMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		SockJsRequest sockJs = SockJsRequest.of(request);
		return sockJs == null || !OPENING_TRANSPORTS.contains(sockJs.transport());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, response);
		this.metrics.handshakeAnswered(response.getStatus());
	}

}
