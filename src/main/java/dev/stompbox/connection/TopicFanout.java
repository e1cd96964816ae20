package dev.stompbox.connection;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.SessionLimitExceededException;

import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.relay.LocalDelivery;

/**
 * Writes room messages and presence events to this instance's subscribers without Spring's
 * per-subscriber path (a new message, headers and STOMP encoding for every subscriber, then
 * an executor hop each): the frame is encoded once per message and written straight to each
 * subscriber's send buffer. The subscriptions stay the simple broker's
 * ({@link DestinationSubscriptions}), registered and removed as before, so RECEIPTs,
 * authorization and disconnects keep their meaning.
 * <p>
 * The writes run off the caller's thread (a Redis I/O thread, or an inbound thread holding
 * a room's lock), on one of a few threads chosen by destination, which keeps each
 * destination's messages in the order they were handed in.
 */
@Component
class TopicFanout implements LocalDelivery, DisposableBean {

	private static final Log logger = LogFactory.getLog(TopicFanout.class);

	private final DestinationSubscriptions subscriptions;

	private final SendBuffers sessions;

	private final StompboxMetrics metrics;

	private final List<ExecutorService> lanes;

	private final AtomicLong messageIds = new AtomicLong();

	TopicFanout(DestinationSubscriptions subscriptions, SendBuffers sessions, StompboxMetrics metrics) {
		this.subscriptions = subscriptions;
		this.sessions = sessions;
		this.metrics = metrics;
		int count = Math.max(1, Runtime.getRuntime().availableProcessors());
		this.lanes = IntStream.range(0, count)
			.mapToObj((lane) -> Thread.ofPlatform().name("stompbox-fanout-" + lane).factory())
			.map(Executors::newSingleThreadExecutor)
			.toList();
	}

	@Override
	public void deliver(String destination, byte[] json) {
		try {
			this.lanes.get(Math.floorMod(destination.hashCode(), this.lanes.size()))
				.execute(() -> write(destination, json));
		}
		catch (RejectedExecutionException ex) {
			// The instance is stopping: its sessions are closed and their clients join elsewhere.
			logger.debug("Not delivering to " + destination + ": stopping");
		}
	}

	private void write(String destination, byte[] json) {
		try {
			MultiValueMap<String, String> subscribers = this.subscriptions.subscribers(destination);
			if (subscribers.isEmpty()) {
				return;
			}
			MessageFrame frame = MessageFrame.of(destination, Long.toString(this.messageIds.incrementAndGet(), 36),
					json);
			int written = 0;
			for (Map.Entry<String, List<String>> subscriber : subscribers.entrySet()) {
				WebSocketSession session = this.sessions.get(subscriber.getKey());
				if (session != null) {
					for (String subscriptionId : subscriber.getValue()) {
						written += send(session, frame.forSubscription(subscriptionId));
					}
				}
			}
			this.metrics.outbound(FrameKinds.ofDestination(destination), written);
		}
		catch (RuntimeException ex) {
			logger.warn("Delivering to " + destination + " failed", ex);
		}
	}

	/** Writes one frame; a session whose buffer is over its limits is closed, as Spring does. */
	private static int send(WebSocketSession session, String frame) {
		try {
			session.sendMessage(new TextMessage(frame));
			return 1;
		}
		catch (SessionLimitExceededException ex) {
			closeQuietly(session, ex);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Writing to session " + session.getId() + " failed: " + ex.getMessage());
		}
		return 0;
	}

	private static void closeQuietly(WebSocketSession session, SessionLimitExceededException ex) {
		try {
			session.close(ex.getStatus());
		}
		catch (IOException | RuntimeException closeFailure) {
			logger.debug("Closing slow session " + session.getId() + " failed: " + closeFailure.getMessage());
		}
	}

	@Override
	public void destroy() {
		this.lanes.forEach(ExecutorService::shutdownNow);
	}

}
