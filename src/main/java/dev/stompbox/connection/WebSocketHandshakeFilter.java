package dev.stompbox.connection;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.HttpRequestHandler;

import dev.stompbox.metrics.HandshakeRefusal;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.session.StompEndpoints;

/**
 * Hands a {@code /ws} handshake straight to its handler, ahead of every other filter and
 * of Spring MVC's dispatch. What guards the handshake is its handler's: the origin check,
 * the connection cap and the token check. The filters after this one (Spring Security's
 * firewall, whose wrapper checks each header again as Jetty copies them for the upgrade,
 * its filter chain, the request context, the SockJS filters) and the dispatcher's handler
 * lookup had nothing to do for it, and in a reconnect storm cost every handshake as much
 * as Jetty's upgrade itself. A request whose URI is not exactly the endpoint's (a path
 * parameter, an encoded character) goes the usual way, through the firewall, which
 * refuses what it should.
 * <p>
 * Refused handshakes are counted here ({@code stompbox.handshakes.refused}), as
 * {@link HandshakeRefusals} counts SockJS's.
 */
final class WebSocketHandshakeFilter extends HttpFilter {

	private final Supplier<HttpRequestHandler> handler;

	private final StompboxMetrics metrics;

	WebSocketHandshakeFilter(Supplier<HttpRequestHandler> handler, StompboxMetrics metrics) {
		this.handler = handler;
		this.metrics = metrics;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!isEndpoint(request)) {
			chain.doFilter(request, response);
			return;
		}
		this.handler.get().handleRequest(request, response);
		HandshakeRefusal refusal = HandshakeRefusal.of(response.getStatus());
		if (refusal != null) {
			this.metrics.handshakeRefused(refusal);
		}
	}

	private static boolean isEndpoint(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String context = request.getContextPath();
		return uri.length() == context.length() + StompEndpoints.WEBSOCKET.length() && uri.startsWith(context)
				&& uri.endsWith(StompEndpoints.WEBSOCKET);
	}

}
