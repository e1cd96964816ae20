package dev.stompbox.sockjs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.sockjs.transport.TransportHandler;
import org.springframework.web.socket.sockjs.transport.TransportType;
import org.springframework.web.socket.sockjs.transport.handler.WebSocketTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrPollingTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrReceivingTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrStreamingTransportHandler;
import org.springframework.web.socket.sockjs.transport.session.AbstractHttpSockJsSession;
import org.springframework.web.socket.sockjs.transport.session.PollingSockJsSession;
import org.springframework.web.socket.sockjs.transport.session.StreamingSockJsSession;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.session.SockJsTransportHandlers;

/**
 * The SockJS HTTP sessions this instance holds, each recorded in Redis from before its
 * opening request is answered (so that the next request of the session, wherever it
 * lands, finds it) until it ends; the records are renewed while the sessions are open and
 * expire when their instance no longer renews them. Makes the SockJS transport handlers,
 * whose HTTP transports' sessions are recorded here when Spring creates them.
 */
class HeldSessions implements SockJsTransportHandlers, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(HeldSessions.class);

	static final LuaScript RELEASE = LuaScript.load(HeldSessions.class, "release.lua");

	/**
	 * How long a record outlives its last renewal: only what a dead instance leaves
	 * behind.
	 */
	static final Duration RECORD_TTL = Duration.ofSeconds(60);

	static final Duration RENEWAL = RECORD_TTL.dividedBy(3);

	/** How long an opening request waits for its record: Redis's own command timeout. */
	private static final Duration RECORD_WAIT = Duration.ofMillis(1500);

	private final RedisConnections connections;

	private final RedisScripts scripts;

	private final RedisKeys keys;

	private final InstanceId instance;

	private final TaskScheduler scheduler;

	private final Map<String, Held> sessions = new ConcurrentHashMap<>();

	private final XhrStreamingTransportHandler streaming = new RecordingStreaming();

	private final XhrPollingTransportHandler polling = new RecordingPolling();

	private final XhrReceivingTransportHandler receiving = new XhrReceivingTransportHandler();

	private volatile @Nullable ScheduledFuture<?> renewals;

	HeldSessions(RedisConnections connections, RedisScripts scripts, RedisKeys keys, InstanceId instance,
			TaskScheduler scheduler) {
		this.connections = connections;
		this.scripts = scripts;
		this.keys = keys;
		this.instance = instance;
		this.scheduler = scheduler;
	}

	@Override
	public TransportHandler[] create(HandshakeHandler handshake) {
		return new TransportHandler[] { new WebSocketTransportHandler(handshake), this.streaming, this.polling,
				this.receiving };
	}

	/** The session, if this instance holds it. */
	@Nullable Held get(String sessionId) {
		return this.sessions.get(sessionId);
	}

	boolean holds(String sessionId) {
		return this.sessions.containsKey(sessionId);
	}

	/** The handler of an {@code xhr_send}, as Spring's service set it up. */
	XhrReceivingTransportHandler receiving() {
		return this.receiving;
	}

	/** The handler of a receiving transport, or {@code null} for another transport. */
	@Nullable TransportHandler receiver(String transport) {
		TransportType type = TransportType.fromValue(transport);
		if (type == TransportType.XHR_STREAMING) {
			return this.streaming;
		}
		return (type == TransportType.XHR) ? this.polling : null;
	}

	/**
	 * Spring created the session for its opening request, which it answers next: the
	 * record is written first, and the request fails when it cannot be (Redis is
	 * unreachable).
	 */
	private void created(AbstractHttpSockJsSession session) {
		try {
			record(session.getId()).get(RECORD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ErrorCode.UNAVAILABLE.exception("Interrupted while recording a SockJS session");
		}
		catch (ExecutionException | TimeoutException ex) {
			throw RedisScripts.translate(ex.getCause() != null ? ex.getCause() : ex);
		}
		this.sessions.put(session.getId(), new Held(session));
	}

	private CompletableFuture<String> record(String sessionId) {
		return this.connections.commands()
			.set(this.keys.sockJsSession(sessionId), this.instance.value(), SetArgs.Builder.px(RECORD_TTL.toMillis()))
			.toCompletableFuture();
	}

	@EventListener
	void ended(SessionDisconnectEvent event) {
		if (this.sessions.remove(event.getSessionId()) != null) {
			release(event.getSessionId());
		}
	}

	private void release(String sessionId) {
		this.scripts
			.run(RELEASE, ScriptOutputType.INTEGER, new String[] { this.keys.sockJsSession(sessionId) },
					this.instance.value())
			.whenComplete((released, failure) -> {
				if (failure != null) {
					// The record expires; until then requests of the session are answered
					// 404 here.
					logger.debug(
							"Removing the record of SockJS session " + sessionId + " failed: " + failure.getMessage());
				}
			});
	}

	/**
	 * Renews the records of the open sessions, and writes them again after Redis lost
	 * them. A session Spring closed without this instance hearing of its end (one never
	 * opened) is let go.
	 */
	void renew() {
		this.sessions.forEach((id, held) -> {
			if (held.session().isClosed()) {
				if (this.sessions.remove(id, held)) {
					release(id);
				}
				return;
			}
			record(id).whenComplete((ok, failure) -> {
				if (failure != null) {
					logger.debug("Renewing the record of SockJS session " + id + " failed: " + failure.getMessage());
				}
			});
		});
	}

	@Override
	public void start() {
		this.renewals = this.scheduler.scheduleAtFixedRate(this::renew, RENEWAL);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> task = this.renewals;
		if (task != null) {
			task.cancel(false);
		}
		this.renewals = null;
	}

	@Override
	public boolean isRunning() {
		return this.renewals != null;
	}

	/** A session this instance holds. */
	record Held(AbstractHttpSockJsSession session) {

	}

	private final class RecordingStreaming extends XhrStreamingTransportHandler {

		@Override
		public StreamingSockJsSession createSession(String sessionId, WebSocketHandler handler,
				Map<String, Object> attributes) {
			StreamingSockJsSession session = super.createSession(sessionId, handler, attributes);
			created(session);
			return session;
		}

	}

	private final class RecordingPolling extends XhrPollingTransportHandler {

		@Override
		public PollingSockJsSession createSession(String sessionId, WebSocketHandler handler,
				Map<String, Object> attributes) {
			PollingSockJsSession session = super.createSession(sessionId, handler, attributes);
			created(session);
			return session;
		}

	}

}
