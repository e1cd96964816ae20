package dev.stompbox.connection;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionConnectedEvent;

/**
 * Ends a connection that has not completed {@code CONNECT} within
 * {@code STOMPBOX_CONNECT_TIMEOUT} of its handshake (PROTOCOL.md section 2): without it,
 * a socket that never authenticates holds a place under the connection cap for as long as
 * the client likes. One timer per connection, cancelled (and, with the scheduler's
 * remove-on-cancel policy, dropped) once the server sends CONNECTED, that is once the
 * CONNECT was authenticated and accepted.
 */
@Component
class ConnectTimeout {

	private final TaskScheduler scheduler;

	private final ConnectionProperties properties;

	private final Clock clock;

	private final Map<String, Waiting> pending = new ConcurrentHashMap<>();

	ConnectTimeout(TaskScheduler stompboxScheduler, ConnectionProperties properties, Clock clock) {
		this.scheduler = stompboxScheduler;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * The connection was opened: {@code onTimeout} runs unless it connects or ends in
	 * time.
	 */
	void opened(String sessionId, Runnable onTimeout) {
		Waiting waiting = new Waiting();
		Waiting previous = this.pending.put(sessionId, waiting);
		if (previous != null) {
			previous.cancel();
		}
		waiting.timer = this.scheduler.schedule(() -> {
			if (this.pending.remove(sessionId, waiting)) {
				onTimeout.run();
			}
		}, this.clock.instant().plus(this.properties.connectTimeout()));
	}

	void ended(String sessionId) {
		cancel(sessionId);
	}

	@EventListener
	void onConnected(SessionConnectedEvent event) {
		String sessionId = SimpMessageHeaderAccessor.getSessionId(event.getMessage().getHeaders());
		if (sessionId != null) {
			cancel(sessionId);
		}
	}

	private void cancel(String sessionId) {
		Waiting waiting = this.pending.remove(sessionId);
		if (waiting != null) {
			waiting.cancel();
		}
	}

	/**
	 * A connection's place in the wait; its timer runs only while that place is still
	 * held.
	 */
	private static final class Waiting {

		private volatile @Nullable ScheduledFuture<?> timer;

		void cancel() {
			ScheduledFuture<?> scheduled = this.timer;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

}
