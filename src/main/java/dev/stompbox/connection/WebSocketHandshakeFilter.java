package dev.stompbox.connection;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerMapping;

import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.session.StompEndpoints;

/**
 * Hands a WebSocket handshake straight to its endpoint's handler, ahead of every other
 * filter and of Spring MVC's dispatch: one to {@code /ws}, and one of SockJS's websocket
 * transport ({@code GET /sockjs/{server}/{session}/websocket}, how a SockJS client
 * connects whenever WebSockets work). What guards a handshake is its handler's: the
 * origin check, the connection cap and the token check. The filters after this one
 * (Spring Security's firewall, whose wrapper checks each header again as Jetty copies
 * them for the upgrade, its filter chains, the request context, the SockJS filters) and
 * the dispatcher's handler lookup had nothing to do for it, and in a reconnect storm cost
 * every handshake as much as Jetty's upgrade itself. The one SockJS filter with something
 * to say, the session owner check, still runs first: a session id that another user's
 * HTTP transport holds is refused 404. A request whose URI is not exactly an endpoint's
 * (a path parameter, an encoded character, an id SockJS would refuse) goes the usual way,
 * through the firewall, which refuses what it should.
 * <p>
 * Refused handshakes are counted here ({@code stompbox.handshakes.refused}), as
 * {@link HandshakeRefusals} counts those of SockJS's HTTP transports.
 */
final class WebSocketHandshakeFilter extends HttpFilter {

	private static final String SOCKJS_PREFIX = StompEndpoints.SOCKJS + "/";

	private static final String SOCKJS_WEBSOCKET = "/websocket";

	private final Supplier<HttpRequestHandler> webSocket;

	private final Supplier<HttpRequestHandler> sockJs;

	private final Supplier<? extends Filter> sockJsSessionOwner;

	private final StompboxMetrics metrics;

	WebSocketHandshakeFilter(Supplier<HttpRequestHandler> webSocket, Supplier<HttpRequestHandler> sockJs,
			Supplier<? extends Filter> sockJsSessionOwner, StompboxMetrics metrics) {
		this.webSocket = webSocket;
		this.sockJs = sockJs;
		this.sockJsSessionOwner = sockJsSessionOwner;
		this.metrics = metrics;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (path.equals(StompEndpoints.WEBSOCKET)) {
			handshake(this.webSocket.get(), request, response);
		}
		else if (isSockJsWebSocket(path) && "GET".equals(request.getMethod())) {
			// Where Spring's handler mapping would have put it:
			// /{server}/{session}/websocket.
			request.setAttribute(HandlerMapping.PATH_WITHIN_HANDLER_MAPPING_ATTRIBUTE,
					path.substring(StompEndpoints.SOCKJS.length()));
			this.sockJsSessionOwner.get()
				.doFilter(request, response, (owned, answer) -> handshake(this.sockJs.get(), (HttpServletRequest) owned,
						(HttpServletResponse) answer));
		}
		else {
			chain.doFilter(request, response);
		}
	}

	private void handshake(HttpRequestHandler handler, HttpServletRequest request, HttpServletResponse response)
			throws IOException, ServletException {
		handler.handleRequest(request, response);
		this.metrics.handshakeAnswered(response.getStatus());
	}

	/**
	 * {@code /sockjs/{server}/{session}/websocket}, each id of letters, digits, - and _.
	 */
	static boolean isSockJsWebSocket(String path) {
		if (!path.startsWith(SOCKJS_PREFIX) || !path.endsWith(SOCKJS_WEBSOCKET)) {
			return false;
		}
		int from = SOCKJS_PREFIX.length();
		int to = path.length() - SOCKJS_WEBSOCKET.length();
		int slash = path.indexOf('/', from);
		if (slash <= from || slash >= to - 1) {
			return false;
		}
		for (int i = from; i < to; i++) {
			char c = path.charAt(i);
			boolean idChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
			if (!idChar && i != slash) {
				return false;
			}
		}
		return true;
	}

}
