package dev.stompbox.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.stompbox.security.SockJsSessionOwners.Owner;
import dev.stompbox.session.SockJsRequest;

/**
 * Keeps a SockJS session to its user. The session id is in the URL of every request
 * ({@code /sockjs/{server}/{session}/{transport}}), so anyone who learns it could send
 * frames into the session ({@code xhr_send}) or take its frames ({@code xhr},
 * {@code xhr_streaming}). Spring compares the session's user with the request's
 * principal, but this service is stateless and a token in the {@code access_token}
 * parameter makes no principal, so that check never applies here.
 * <p>
 * A request of a session that carries a token of a user other than the session's, or an
 * invalid one, is answered 404, as Spring answers for a session it does not know or whose
 * user does not match: the answer does not tell a guesser that the session exists, and
 * the request never reaches it. A session opened with a token needs that token on every
 * request (a SockJS client repeats the address's query on each one); a session opened
 * without one and authenticated by its CONNECT refuses other users' tokens.
 * <p>
 * Runs before the other filters of the SockJS transports (component filters without an
 * order run last): a refused request must not act on the session at all, not even by
 * having it closed for an oversized body.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 100)
public class SockJsSessionOwnerFilter extends OncePerRequestFilter {

	private static final Log logger = LogFactory.getLog(SockJsSessionOwnerFilter.class);

	private final SockJsSessionOwners owners;

	private final TokenVerifier verifier;

	SockJsSessionOwnerFilter(SockJsSessionOwners owners, TokenVerifier verifier) {
		this.owners = owners;
		this.verifier = verifier;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return SockJsRequest.of(request) == null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		SockJsRequest sockJs = SockJsRequest.of(request);
		Owner owner = (sockJs != null) ? this.owners.owner(sockJs.sessionId()) : null;
		if (owner != null && !allowed(owner, BearerTokens.fromHandshake(new ServletServerHttpRequest(request)))) {
			logger.debug("Refused a request of another user's SockJS session");
			response.setStatus(HttpStatus.NOT_FOUND.value());
			return;
		}
		chain.doFilter(request, response);
	}

	private boolean allowed(Owner owner, Optional<String> token) {
		byte[] digest = token.map(TokenDigest::of).orElse(null);
		return owner.admits(digest, () -> SockJsCredentials.verifiedUser(this.verifier, token.orElseThrow()));
	}

}
