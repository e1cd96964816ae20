package dev.stompbox.security;

import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

import dev.stompbox.session.SessionGate;

/**
 * The user each SockJS session belongs to: the user of the token it was opened with, else
 * the user its CONNECT authenticated. {@link SockJsSessionOwnerFilter} refuses a request
 * of the session that carries another user's token.
 */
@Component
public class SockJsSessionOwners {

	private final Map<String, Owner> owners = new ConcurrentHashMap<>();

	private final SessionGate sessions;

	SockJsSessionOwners(SessionGate sessions) {
		this.sessions = sessions;
	}

	/**
	 * The session was opened with this token, verified as the user's. An HTTP transport's
	 * session is open by the time its opening request is answered; a WebSocket
	 * transport's may not be yet, and needs no entry: no HTTP transport request reaches
	 * it.
	 */
	void opened(String sessionId, String userId, String token) {
		byte[] digest = TokenDigest.of(token);
		this.sessions.whileOpen(sessionId, () -> this.owners.putIfAbsent(sessionId, new Owner(userId, digest)));
	}

	/**
	 * The session's CONNECT authenticated the user; a session opened with a token keeps
	 * its owner. Only while the session is open: a CONNECT still queued when its
	 * connection ended is handled after the end, and would leave an entry that nothing
	 * removes.
	 */
	void connected(String sessionId, String userId) {
		this.sessions.whileOpen(sessionId, () -> this.owners.putIfAbsent(sessionId, new Owner(userId, null)));
	}

	@Nullable Owner owner(String sessionId) {
		return this.owners.get(sessionId);
	}

	/**
	 * Whether a request with these credentials may act on the session, by the rules of
	 * {@link SockJsSessionOwnerFilter}: for a request another instance relays here, whose
	 * token that instance read and verified.
	 */
	public boolean admits(String sessionId, SockJsCredentials presented) {
		Owner owner = owner(sessionId);
		return owner == null || owner.admits(presented.tokenDigest(), presented::userId);
	}

	@EventListener
	void ended(SessionDisconnectEvent event) {
		this.owners.remove(event.getSessionId());
	}

	int size() {
		return this.owners.size();
	}

	/**
	 * @param userId the user the session belongs to
	 * @param token digest of the token the session was opened with, {@code null} when it
	 * was opened without one: such a client repeats no token on its requests
	 */
	record Owner(String userId, byte @Nullable [] token) {

		/**
		 * Whether a request that carries a token of this digest (none: {@code null}) may
		 * act on the session: the session's own token, or another token of the same user,
		 * or no token when the session was opened without one.
		 * @param user the verified user of the request's token, {@code null} when it does
		 * not verify; asked only when the token is not the session's own
		 */
		boolean admits(byte @Nullable [] digest, Supplier<@Nullable String> user) {
			if (digest == null) {
				return this.token == null;
			}
			if (this.token != null && MessageDigest.isEqual(this.token, digest)) {
				return true;
			}
			return this.userId.equals(user.get());
		}

	}

}
