package dev.stompbox.redis;

import org.springframework.stereotype.Component;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.room.RoomId;

/**
 * Every Redis key and channel name Stompbox uses, in this one place, all under the
 * configured prefix except the two names backends use (PROTOCOL.md section 7.2). A room's
 * keys share the hash tag {@code {roomId}} so the scripts that touch them together stay
 * on one slot.
 */
@Component
public class RedisKeys {

	public static final String LEASE_SUFFIX = ":lease";

	public static final String EVENTS_SUFFIX = ":events";

	public static final String SOCKJS_SUFFIX = ":sockjs";

	private final String prefix;

	private final RedisProperties properties;

	RedisKeys(RedisProperties properties) {
		this.prefix = properties.prefix();
		this.properties = properties;
	}

	public String prefix() {
		return this.prefix;
	}

	/** The room's history stream. */
	public String roomStream(RoomId room) {
		return this.prefix + "room:{" + room.value() + "}:stream";
	}

	/**
	 * The room's id sequence: {@code last} issued id and {@code epoch}, the first one.
	 */
	public String roomSequence(RoomId room) {
		return this.prefix + "room:{" + room.value() + "}:seq";
	}

	/** Remembers the id a user's {@code clientMsgId} got in the room. */
	public String dedupe(RoomId room, String userId, String clientMsgId) {
		// Lengths keep "a:b"+"c" and "a"+"b:c" apart.
		return this.prefix + "room:{" + room.value() + "}:dedupe:" + userId.length() + ":" + userId + ":" + clientMsgId;
	}

	/** Channel carrying the room's messages to the instances that have subscribers. */
	public String roomChannel(RoomId room) {
		return this.prefix + "room:" + room.value();
	}

	/** Channel carrying the room's presence events. */
	public String presenceChannel(RoomId room) {
		return presenceChannelPrefix() + room.value();
	}

	/** The room's presence channel is this followed by the room id. */
	public String presenceChannelPrefix() {
		return this.prefix + "presence:";
	}

	/** The set of instances that ever registered and have not been reaped. */
	public String instances() {
		return this.prefix + "instances";
	}

	/** Exists while the instance is alive. */
	public String lease(InstanceId instance) {
		return instancePrefix() + instance.value() + LEASE_SUFFIX;
	}

	/** Channel carrying per-user events to one instance. */
	public String instanceChannel(InstanceId instance) {
		return instancePrefix() + instance.value() + EVENTS_SUFFIX;
	}

	/**
	 * Channel carrying the SockJS requests other instances relay to this one, and the
	 * answers to those this one relayed to others.
	 */
	public String sockJsChannel(InstanceId instance) {
		return instancePrefix() + instance.value() + SOCKJS_SUFFIX;
	}

	/** The instance holding a SockJS HTTP session, while it is open there. */
	public String sockJsSession(String sessionId) {
		return this.prefix + "sockjs:" + sessionId;
	}

	/**
	 * What every per-instance name starts with; scripts that visit other instances append
	 * an instance id and {@link #LEASE_SUFFIX}, {@link #EVENTS_SUFFIX},
	 * {@link #SOCKJS_SUFFIX} or {@code :presence} (the set of room sessions the instance
	 * holds).
	 */
	public String instancePrefix() {
		return this.prefix + "instance:";
	}

	/**
	 * What the presence script prefixes a room's
	 * {@code {roomId}:sessions|users|names|order} with.
	 */
	public String presenceRoomPrefix() {
		return this.prefix + "presence:";
	}

	/** The instances holding sessions of a user. */
	public String userInstances(String userId) {
		return this.prefix + "user:" + userId + ":instances";
	}

	/**
	 * Held by the one 1.0 instance that read the ingress channel; while it exists (a
	 * rolling upgrade from 1.0), newer instances leave the delivery to it.
	 */
	public String ingressLeader() {
		return this.prefix + "ingress:leader";
	}

	/**
	 * Channel of the ingress sync markers, which place every instance in one ingress
	 * order.
	 */
	public String ingressSyncChannel() {
		return this.prefix + "ingress:sync";
	}

	/** The place of a sync marker in the ingress order. */
	public String ingressSync(String marker) {
		return this.prefix + "ingress:sync:" + marker;
	}

	/**
	 * The counter of ingress epochs, a new one each time an instance finds no order to
	 * join.
	 */
	public String ingressEpoch() {
		return this.prefix + "ingress:epoch";
	}

	/**
	 * Held by the instance that claims ingress messages at once, which keeps their order.
	 */
	public String ingressPreferred() {
		return this.prefix + "ingress:preferred";
	}

	/** The claim of the message at this place of the ingress order. */
	public String ingressClaim(long epoch, long number) {
		return this.prefix + "ingress:claim:" + epoch + ":" + number;
	}

	/**
	 * The set of instances that announced themselves for rebalancing; stale ones are
	 * purged by readers.
	 */
	public String rebalanceInstances() {
		return this.prefix + "rebalance:instances";
	}

	/**
	 * One instance's announcement for rebalancing (revision, readiness, connections),
	 * with a TTL.
	 */
	public String rebalanceAnnouncement(InstanceId instance) {
		return this.prefix + "rebalance:instance:" + instance.value();
	}

	/**
	 * When a revision was first seen ready in the cluster: what orders revisions from old
	 * to new.
	 */
	public String rebalanceRevision(String revision) {
		return this.prefix + "rebalance:revision:" + revision;
	}

	/** Demo mode's signing key, shared so a demo token works on every instance. */
	public String demoKey() {
		return this.prefix + "demo-key";
	}

	public String ingressChannel() {
		return this.properties.ingressChannel();
	}

	public String commandStream() {
		return this.properties.commandStream();
	}

}
