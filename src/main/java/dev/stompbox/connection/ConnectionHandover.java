package dev.stompbox.connection;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import dev.stompbox.user.SessionReplies;
import dev.stompbox.user.SystemNotice;

/**
 * Ends one connection on purpose and hands its client over: a {@code reconnect} notice
 * first, then the close, late enough for a client that obeys the notice to open its next
 * connection and join there before this one goes (make-before-break). Such a client
 * closes the old connection itself; the close here is for those that do not.
 */
@Component
public class ConnectionHandover {

	private final TaskScheduler scheduler;

	private final ConnectionRegistry registry;

	private final SessionReplies replies;

	private final Clock clock;

	ConnectionHandover(TaskScheduler stompboxScheduler, ConnectionRegistry registry, @Lazy SessionReplies replies,
			Clock clock) {
		this.scheduler = stompboxScheduler;
		this.registry = registry;
		this.replies = replies;
		this.clock = clock;
	}

	/**
	 * Sends the notice now and closes the session {@code closeAfter} later with the
	 * status.
	 * @return the scheduled close; cancelling it keeps the connection
	 */
	public ScheduledFuture<?> handOver(String sessionId, SystemNotice notice, Duration closeAfter, CloseStatus status) {
		this.replies.system(sessionId, notice);
		return this.scheduler.schedule(() -> this.registry.close(sessionId, status),
				this.clock.instant().plus(closeAfter));
	}

}
