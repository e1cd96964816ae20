package dev.stompbox.connection.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.broker.AbstractSubscriptionRegistry;
import org.springframework.stereotype.Component;
import org.springframework.util.CollectionUtils;
import org.springframework.util.MultiValueMap;

import dev.stompbox.connection.ConnectionRegistry;

/**
 * The simple broker's subscriptions, indexed by exact destination. Spring's default
 * registry matches patterns: a destination it has not cached is computed by scanning
 * every subscription of every session, and each session's own queues
 * ({@code /queue/acks-user...}) are such destinations, so with thousands of sessions
 * every join ACK cost a scan of them all. No destination here is a pattern (a SUBSCRIBE
 * names one room or one queue), so a lookup is one map read.
 */
@Component
public class DestinationSubscriptions extends AbstractSubscriptionRegistry {

	private static final MultiValueMap<String, String> NONE = CollectionUtils.toMultiValueMap(Map.of());

	/**
	 * What a client subscribes to here: a room's messages and presence, its ACKs and
	 * errors.
	 */
	private static final int SUBSCRIPTIONS_PER_SESSION = 4;

	/** destination to its subscribers, as sessionId to subscription ids. */
	private final Map<String, Subscribers> byDestination = new ConcurrentHashMap<>();

	/** sessionId to (subscriptionId to destination). */
	private final Map<String, Map<String, String>> bySession = new ConcurrentHashMap<>();

	private final ConnectionRegistry sessions;

	public DestinationSubscriptions(ConnectionRegistry sessions) {
		this.sessions = sessions;
	}

	/**
	 * The subscriptions to a destination, as sessionId to subscription ids; a live view.
	 */
	public MultiValueMap<String, String> subscribers(String destination) {
		Subscribers subscribers = this.byDestination.get(destination);
		return (subscribers != null) ? subscribers.view() : NONE;
	}

	/** Sessions with at least one subscription. */
	public int sessions() {
		return this.bySession.size();
	}

	/** Destinations with at least one subscriber. */
	public int destinations() {
		return this.byDestination.size();
	}

	/**
	 * Registers the subscription while its session is open: Spring's DISCONNECT of a
	 * closed session is handled beside the frames the session still had queued, and a
	 * SUBSCRIBE among them must not outlive the clean-up.
	 */
	@Override
	protected void addSubscriptionInternal(String sessionId, String subscriptionId, String destination,
			Message<?> message) {
		this.sessions.whileOpen(sessionId, () -> add(sessionId, subscriptionId, destination));
	}

	private void add(String sessionId, String subscriptionId, String destination) {
		String previous = this.bySession
			.computeIfAbsent(sessionId, (id) -> new ConcurrentHashMap<>(SUBSCRIPTIONS_PER_SESSION))
			.put(subscriptionId, destination);
		if (previous != null) {
			remove(previous, sessionId, subscriptionId);
		}
		this.byDestination.compute(destination, (key, subscribers) -> {
			Subscribers updated = (subscribers != null) ? subscribers : new Subscribers();
			updated.sessions()
				.merge(sessionId, List.of(subscriptionId),
						(ids, added) -> Stream.concat(ids.stream(), added.stream()).toList());
			return updated;
		});
	}

	@Override
	protected void removeSubscriptionInternal(String sessionId, String subscriptionId, Message<?> message) {
		Map<String, String> subscriptions = this.bySession.get(sessionId);
		String destination = (subscriptions != null) ? subscriptions.remove(subscriptionId) : null;
		if (destination != null) {
			remove(destination, sessionId, subscriptionId);
		}
	}

	@Override
	public void unregisterAllSubscriptions(String sessionId) {
		Map<String, String> subscriptions = this.bySession.remove(sessionId);
		if (subscriptions != null) {
			subscriptions.forEach((subscriptionId, destination) -> remove(destination, sessionId, subscriptionId));
		}
	}

	@Override
	protected MultiValueMap<String, String> findSubscriptionsInternal(String destination, Message<?> message) {
		return subscribers(destination);
	}

	private void remove(String destination, String sessionId, String subscriptionId) {
		this.byDestination.computeIfPresent(destination, (key, subscribers) -> {
			subscribers.sessions().computeIfPresent(sessionId, (id, ids) -> without(ids, subscriptionId));
			return subscribers.sessions().isEmpty() ? null : subscribers;
		});
	}

	private static @Nullable List<String> without(List<String> ids, String subscriptionId) {
		List<String> rest = ids.stream().filter((id) -> !id.equals(subscriptionId)).toList();
		return rest.isEmpty() ? null : rest;
	}

	/**
	 * One destination's subscribers; the lists are replaced, never changed, so readers
	 * need no lock.
	 */
	private record Subscribers(Map<String, List<String>> sessions, MultiValueMap<String, String> view) {

		/**
		 * Sized for one session, since most destinations are a session's own queues; a
		 * room's grows as sessions join. A map sized by default takes a table of 16 on
		 * its first entry.
		 */
		Subscribers() {
			this(new ConcurrentHashMap<>(1));
		}

		private Subscribers(Map<String, List<String>> sessions) {
			this(sessions, CollectionUtils.toMultiValueMap(sessions));
		}

	}

}
