package dev.stompbox.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

import dev.stompbox.session.SessionGate;

/**
 * The user each SockJS session belongs to: the user of the token it was opened with, else
 * the user its CONNECT authenticated. {@link SockJsSessionOwnerFilter} refuses a request of
 * the session that carries another user's token.
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
	 * session is open by the time its opening request is answered; a WebSocket transport's
	 * may not be yet, and needs no entry: no HTTP transport request reaches it.
	 */
	void opened(String sessionId, String userId, String token) {
		byte[] digest = digest(token);
		this.sessions.whileOpen(sessionId, () -> this.owners.putIfAbsent(sessionId, new Owner(userId, digest)));
	}

	/**
	 * The session's CONNECT authenticated the user; a session opened with a token keeps its
	 * owner. Only while the session is open: a CONNECT still queued when its connection ended
	 * is handled after the end, and would leave an entry that nothing removes.
	 */
	void connected(String sessionId, String userId) {
		this.sessions.whileOpen(sessionId, () -> this.owners.putIfAbsent(sessionId, new Owner(userId, null)));
	}

	@Nullable Owner owner(String sessionId) {
		return this.owners.get(sessionId);
	}

	@EventListener
	void ended(SessionDisconnectEvent event) {
		this.owners.remove(event.getSessionId());
	}

	int size() {
		return this.owners.size();
	}

	static byte[] digest(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @param userId the user the session belongs to
	 * @param token digest of the token the session was opened with, {@code null} when it was
	 * opened without one: such a client repeats no token on its requests
	 */
	record Owner(String userId, byte @Nullable [] token) {

		boolean openedWith(String other) {
			return this.token != null && MessageDigest.isEqual(this.token, digest(other));
		}

	}

}
