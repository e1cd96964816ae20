package dev.stompbox.sockjs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.stompbox.security.TokenVerifier;
import dev.stompbox.session.SockJsRequest;
import dev.stompbox.sockjs.RelayChannel.Relayed;
import dev.stompbox.sockjs.RelayMessage.Reply;

/**
 * Sends a request of a SockJS session that another instance holds to that instance, in
 * cluster mode, so that SockJS's HTTP transports need no session affinity (PROTOCOL.md
 * section 1): an {@code xhr_send}'s body is delivered there and its outcome answered
 * here; a receiving request ({@code xhr}, {@code xhr_streaming}) is answered here with
 * what the session writes there. A receiving request of a session no instance holds
 * passes on, and Spring opens the session here; an {@code xhr_send} of one is answered
 * 404, as Spring answers it. A request of a session whose instance died, or that it no
 * longer holds, or of another user, is answered 404, as the holder's own filters would
 * answer it; the client then opens a new session.
 * <p>
 * Runs after {@link dev.stompbox.security.SockJsSessionOwnerFilter} and after the
 * {@code xhr_send} body limit (a component filter without an order runs last), so the
 * body it relays is bounded; the holder judges the request's token.
 */
class SockJsRelayFilter extends OncePerRequestFilter {

	private static final Log logger = LogFactory.getLog(SockJsRelayFilter.class);

	static final String SEND = "xhr_send";

	private static final Set<String> RELAYED = Set.of(SEND, "xhr", "xhr_streaming");

	/**
	 * How long an {@code xhr_send} waits for its holder: longer than Redis's own timeout.
	 */
	static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

	private static final String NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0";

	private static final String SOCKJS_CONTENT_TYPE = "application/javascript;charset=UTF-8";

	private final HeldSessions sessions;

	private final RequestRelay relay;

	private final TokenVerifier verifier;

	private final CorsConfiguration cors;

	private final DefaultCorsProcessor corsProcessor = new DefaultCorsProcessor();

	SockJsRelayFilter(HeldSessions sessions, RequestRelay relay, TokenVerifier verifier, String[] originPatterns) {
		this.sessions = sessions;
		this.relay = relay;
		this.verifier = verifier;
		this.cors = corsConfiguration(originPatterns);
	}

	/** The CORS rules of Spring's SockJS service, which a relayed request answers by. */
	private static CorsConfiguration corsConfiguration(String[] originPatterns) {
		CorsConfiguration cors = new CorsConfiguration();
		cors.addAllowedMethod("*");
		cors.setAllowedOriginPatterns(List.of(originPatterns));
		cors.setAllowCredentials(true);
		cors.setMaxAge(365L * 24 * 60 * 60);
		cors.addAllowedHeader("*");
		return cors;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod())) {
			return true;
		}
		SockJsRequest sockJs = SockJsRequest.of(request);
		return sockJs == null || !RELAYED.contains(sockJs.transport()) || this.sessions.holds(sockJs.sessionId());
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return true;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		SockJsRequest sockJs = SockJsRequest.of(request);
		if (sockJs == null || (CorsUtils.isCorsRequest(request)
				&& this.cors.checkOrigin(request.getHeader(HttpHeaders.ORIGIN)) == null)) {
			// Spring answers a foreign origin 403.
			chain.doFilter(request, response);
			return;
		}
		RelayMessage.Credentials credentials = credentials(request);
		if (SEND.equals(sockJs.transport())) {
			send(sockJs, credentials, request, response);
		}
		else {
			receive(sockJs, credentials, request, response, chain);
		}
	}

	private void send(SockJsRequest sockJs, RelayMessage.Credentials credentials, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String requestId = this.relay.nextId();
		CompletableFuture<Reply> answer = this.relay.expectAnswer(requestId);
		long started = System.nanoTime();
		Relayed relayed = await(this.relay.channel()
			.relay(sockJs.sessionId(),
					new RelayMessage.Send(requestId, this.relay.channel().instance(), sockJs.sessionId(), credentials,
							body))
			.toCompletableFuture());
		if (relayed == null || relayed.holder() == null) {
			this.relay.forget(requestId);
			// Redis did not answer, or no instance holds the session: Spring too answers
			// an xhr_send of a session it does not hold 404.
			response
				.setStatus((relayed == null) ? HttpStatus.SERVICE_UNAVAILABLE.value() : HttpStatus.NOT_FOUND.value());
			return;
		}
		if (!relayed.delivered()) {
			this.relay.forget(requestId);
			response.setStatus(HttpStatus.NOT_FOUND.value());
			return;
		}
		Reply reply = await(answer);
		this.relay.forget(requestId);
		if (reply == null) {
			// The holder did not answer: the session is out of reach, the client opens
			// another.
			response.setStatus(HttpStatus.NOT_FOUND.value());
			return;
		}
		this.relay.metrics().sockJsSendRelayed(System.nanoTime() - started);
		if (reply.status() != HttpStatus.NOT_FOUND.value() && !answerCors(request, response)) {
			return;
		}
		response.setStatus(reply.status());
		if (reply.status() < 400) {
			response.setContentType("text/plain;charset=UTF-8");
			response.setHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
		}
		if (!reply.body().isEmpty()) {
			response.getOutputStream().write(reply.body().getBytes(StandardCharsets.UTF_8));
		}
	}

	private void receive(SockJsRequest sockJs, RelayMessage.Credentials credentials, HttpServletRequest request,
			HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
		String requestId = this.relay.nextId();
		RelayedStream stream = this.relay.expectStream(requestId, sockJs.sessionId());
		Relayed relayed = await(this.relay.channel()
			.relay(sockJs.sessionId(),
					new RelayMessage.Receive(requestId, this.relay.channel().instance(), sockJs.sessionId(),
							sockJs.transport(), credentials))
			.toCompletableFuture());
		if (relayed == null || relayed.holder() == null) {
			this.relay.forget(requestId);
			if (relayed == null) {
				response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
				return;
			}
			// No instance holds it: Spring opens it here.
			chain.doFilter(request, response);
			return;
		}
		if (!relayed.delivered()) {
			this.relay.forget(requestId);
			response.setStatus(HttpStatus.NOT_FOUND.value());
			return;
		}
		if (!answerCors(request, response)) {
			// Not after the origin check above; were it so, the holder is told to let go.
			stream.abandon(relayed.holder());
			return;
		}
		response.setContentType(SOCKJS_CONTENT_TYPE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
		AsyncContext async = request.startAsync(request, response);
		// The holder ends the response; a holder that went silent is found by the relay's
		// sweep.
		async.setTimeout(0);
		stream.begin(async, relayed.holder());
	}

	private boolean answerCors(HttpServletRequest request, HttpServletResponse response) throws IOException {
		return this.corsProcessor.processRequest(this.cors, request, response);
	}

	private RelayMessage.Credentials credentials(HttpServletRequest request) {
		return RelayMessage.Credentials.of(request, this.verifier);
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("Relaying a SockJS request failed: " + ex.getMessage());
			return null;
		}
	}

}
