package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.handler.SessionLimitExceededException;

import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.relay.LocalDelivery;

/**
 * Writes room messages and presence events to this instance's subscribers without
 * Spring's per-subscriber path (a new message, headers and STOMP encoding for every
 * subscriber, then an executor hop each): the frame is encoded once per message and
 * written straight to each subscriber's send buffer. The subscriptions stay the simple
 * broker's ({@link DestinationSubscriptions}), registered and removed as before, so
 * RECEIPTs, authorization and disconnects keep their meaning.
 * <p>
 * The writes run off the caller's thread (a Redis I/O thread, or an inbound thread
 * holding a room's lock), on one of a few lanes chosen by destination, which keeps each
 * destination's messages in the order they were handed in. A message is first queued for
 * every subscriber and only then written. A write never blocks the lane: a send buffer
 * only starts it, and a client that stopped reading keeps its frames queued until it is
 * cut off ({@link SendBuffer}). Should a second step still block, the lane goes on with
 * the next message on another thread ({@link FanoutLanes}) and every subscriber still
 * gets the messages in order.
 */
@Component
class TopicFanout implements LocalDelivery, DisposableBean {

	private static final Log logger = LogFactory.getLog(TopicFanout.class);

	/**
	 * How long a second step may block a lane before the lane goes on without it: a
	 * guard, since writes no longer block.
	 */
	static final Duration STUCK_AFTER = Duration.ofMillis(100);

	private static final Runnable NOTHING = () -> {
	};

	private final DestinationSubscriptions subscriptions;

	private final SendBuffers sessions;

	private final StompboxMetrics metrics;

	private final FanoutLanes lanes;

	private final AtomicLong messageIds = new AtomicLong();

	TopicFanout(DestinationSubscriptions subscriptions, SendBuffers sessions, StompboxMetrics metrics) {
		this.subscriptions = subscriptions;
		this.sessions = sessions;
		this.metrics = metrics;
		this.lanes = new FanoutLanes("stompbox-fanout", Math.max(1, Runtime.getRuntime().availableProcessors()),
				STUCK_AFTER);
	}

	@Override
	public void deliver(String destination, byte[] json) {
		try {
			this.lanes.execute(destination.hashCode(), () -> queue(destination, json));
		}
		catch (RejectedExecutionException ex) {
			// The instance is stopping: its sessions are closed and their clients join
			// elsewhere.
			logger.debug("Not delivering to " + destination + ": stopping");
		}
	}

	/** Queues the message for every subscriber; returns the writes. */
	private Runnable queue(String destination, byte[] json) {
		try {
			return queueForSubscribers(destination, json);
		}
		catch (RuntimeException ex) {
			logger.warn("Delivering to " + destination + " failed", ex);
			return NOTHING;
		}
	}

	private Runnable queueForSubscribers(String destination, byte[] json) {
		MultiValueMap<String, String> subscribers = this.subscriptions.subscribers(destination);
		if (subscribers.isEmpty()) {
			return NOTHING;
		}
		MessageFrame frame = MessageFrame.of(destination, Long.toString(this.messageIds.incrementAndGet(), 36), json);
		Map<String, TextMessage> bySubscriptionId = new HashMap<>();
		List<SendBuffer> queued = new ArrayList<>(subscribers.size());
		int frames = 0;
		for (Map.Entry<String, List<String>> subscriber : subscribers.entrySet()) {
			SendBuffer session = this.sessions.get(subscriber.getKey());
			if (session != null) {
				for (String subscriptionId : subscriber.getValue()) {
					if (session.enqueue(bySubscriptionId.computeIfAbsent(subscriptionId, frame::forSubscription))) {
						frames++;
					}
				}
				queued.add(session);
			}
		}
		this.metrics.outbound(FrameKinds.ofDestination(destination), frames);
		return () -> queued.forEach(TopicFanout::flush);
	}

	/**
	 * Writes what is queued for one session; a session over its limits is closing
	 * already.
	 */
	private static void flush(SendBuffer session) {
		try {
			session.flush();
		}
		catch (SessionLimitExceededException ex) {
			logger.debug("Session " + session.getId() + " is too slow: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.debug("Writing to session " + session.getId() + " failed: " + ex.getMessage());
		}
	}

	@Override
	public void destroy() {
		this.lanes.shutdown();
	}

}
