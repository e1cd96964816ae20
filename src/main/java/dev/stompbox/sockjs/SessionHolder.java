package dev.stompbox.sockjs;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.sockjs.transport.TransportHandler;
import org.springframework.web.socket.sockjs.transport.session.AbstractHttpSockJsSession;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.error.ErrorCode;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.security.SockJsSessionOwners;
import dev.stompbox.sockjs.HeldSessions.Held;
import dev.stompbox.sockjs.RelayMessage.Reply;

/**
 * Handles the requests other instances relay to the sessions held here, as the session's
 * own transport handler handles a request that arrives here: an {@code xhr_send}'s body
 * is delivered and the outcome (204, or 500 for a body that is not a SockJS message) sent
 * back; a receiving request becomes the session's response, relayed
 * ({@link RelayedResponse}). A session this instance does not hold, or a request of
 * another user, is answered 404 as the session's filters here would answer it. One
 * thread, in the order the requests arrived.
 */
class SessionHolder implements RelayedResponse.Publisher {

	private static final Log logger = LogFactory.getLog(SessionHolder.class);

	/**
	 * The transport handlers take the endpoint's handler, but the HTTP transports hand it
	 * to nothing: a session that exists already has its own.
	 */
	private static final WebSocketHandler UNUSED_HANDLER = new TextWebSocketHandler();

	private final HeldSessions sessions;

	private final SockJsSessionOwners owners;

	private final RelayChannel channel;

	private final Executor executor;

	private final StompboxMetrics metrics;

	private final ConnectionRegistry connections;

	/**
	 * The relayed responses sessions write to, by the relaying instance and its request
	 * id.
	 */
	private final Map<String, RelayedResponse> responses = new ConcurrentHashMap<>();

	SessionHolder(HeldSessions sessions, SockJsSessionOwners owners, RelayChannel channel, Executor executor,
			StompboxMetrics metrics, ConnectionRegistry connections) {
		this.sessions = sessions;
		this.owners = owners;
		this.channel = channel;
		this.executor = executor;
		this.metrics = metrics;
		this.connections = connections;
	}

	/** A request relayed here, taken on Lettuce's thread and handled on this holder's. */
	void received(RelayMessage message) {
		this.executor.execute(() -> {
			try {
				switch (message) {
					case RelayMessage.Send send -> send(send);
					case RelayMessage.Receive receive -> receive(receive);
					case RelayMessage.Detach detach -> detach(detach);
					case RelayMessage.Refuse refuse -> refuse(refuse);
					case Reply reply -> throw new IllegalArgumentException("A reply is not a request");
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Handling a relayed SockJS request failed", ex);
			}
		});
	}

	private void send(RelayMessage.Send send) {
		Held held = admitted(send.sessionId(), send.credentials());
		if (held == null) {
			answer(send.replyTo(), send.requestId(), send.sessionId(), HttpStatus.NOT_FOUND.value(), "");
			return;
		}
		CapturedResponse response = new CapturedResponse();
		int status;
		String body;
		try {
			this.sessions.receiving()
				.handleRequest(RelayedHttpRequest.send(send.body()), response, UNUSED_HANDLER, held.session());
			status = response.status();
			body = response.body();
		}
		catch (RuntimeException ex) {
			logger.debug("Delivering a relayed xhr_send failed: " + ex.getMessage());
			status = HttpStatus.INTERNAL_SERVER_ERROR.value();
			body = "";
		}
		answer(send.replyTo(), send.requestId(), send.sessionId(), status, body);
	}

	private void receive(RelayMessage.Receive receive) {
		Held held = admitted(receive.sessionId(), receive.credentials());
		TransportHandler handler = this.sessions.receiver(receive.transport());
		if (held == null || handler == null || !handler.checkSessionType(held.session())) {
			answer(receive.replyTo(), receive.requestId(), receive.sessionId(), HttpStatus.NOT_FOUND.value(), "");
			return;
		}
		RelayedResponse response = new RelayedResponse(receive, this);
		this.responses.put(key(receive.replyTo(), receive.requestId()), response);
		try {
			handler.handleRequest(RelayedHttpRequest.receive(response), response, UNUSED_HANDLER, held.session());
			response.close();
		}
		catch (RuntimeException ex) {
			logger.debug("A relayed SockJS receiving request failed: " + ex.getMessage());
			response.failed();
		}
	}

	/**
	 * The oversized body another instance refused ends the session, as it would have
	 * here.
	 */
	private void refuse(RelayMessage.Refuse refuse) {
		if (admitted(refuse.sessionId(), refuse.credentials()) != null) {
			this.connections.refuse(refuse.sessionId(), ErrorCode.TOO_LARGE.exception(refuse.message()));
		}
	}

	private void detach(RelayMessage.Detach detach) {
		RelayedResponse response = this.responses.remove(key(detach.replyTo(), detach.requestId()));
		if (response != null) {
			response.detached();
		}
		if (detach.lost()) {
			lost(detach.sessionId());
		}
	}

	/**
	 * Frames the session wrote never reached its client: the session ends, as it does
	 * when a write to its own client fails here, and the client reconnects and recovers
	 * what it missed.
	 */
	private void lost(String sessionId) {
		Held held = this.sessions.get(sessionId);
		if (held != null) {
			AbstractHttpSockJsSession session = held.session();
			session.tryCloseWithSockJsTransportError(new IOException("Relayed SockJS frames were lost"),
					CloseStatus.SERVER_ERROR);
		}
	}

	private @Nullable Held admitted(String sessionId, RelayMessage.Credentials credentials) {
		Held held = this.sessions.get(sessionId);
		if (held == null) {
			return null;
		}
		return this.owners.admits(sessionId, credentials.read()) ? held : null;
	}

	private void answer(String replyTo, String requestId, String sessionId, int status, String body) {
		this.channel.publish(replyTo, Reply.status(requestId, this.channel.instance(), sessionId, status, body));
	}

	@Override
	public String instance() {
		return this.channel.instance();
	}

	@Override
	public void publish(RelayedResponse response, Reply reply, boolean frames) {
		if (frames) {
			this.metrics.sockJsRelayedWrite();
		}
		RelayMessage.Receive request = response.request();
		this.channel.publish(request.replyTo(), reply).whenComplete((receivers, failure) -> {
			if (frames && (failure != null || receivers == 0)) {
				logger.debug("Relayed SockJS frames reached no instance; ending session " + request.sessionId());
				this.responses.remove(key(request.replyTo(), request.requestId()), response);
				response.detached();
				this.executor.execute(() -> lost(request.sessionId()));
			}
		});
	}

	@Override
	public void done(RelayedResponse response) {
		RelayMessage.Receive request = response.request();
		this.responses.remove(key(request.replyTo(), request.requestId()), response);
	}

	private static String key(String instance, String requestId) {
		return instance + "/" + requestId;
	}

}
