package dev.stompbox.api;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import dev.stompbox.instance.InstanceId;
import dev.stompbox.redis.ChannelHandler;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.LeaseListener;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.JsonFields;
import dev.stompbox.room.MessageRequest;
import dev.stompbox.room.RoomId;
import dev.stompbox.room.Sender;
import dev.stompbox.user.UserEvent;
import dev.stompbox.user.UserEvents;

/**
 * The Redis way in for backends (PROTOCOL.md section 7.2): JSON published to the ingress
 * channel is delivered as the HTTP API would deliver it. Every instance would receive each
 * publish, so only the instance holding the ingress lease subscribes; another takes over
 * within the presence timeout when it dies.
 */
public class RedisIngress implements LeaseListener {

	private static final Log logger = LogFactory.getLog(RedisIngress.class);

	private static final LuaScript LEAD = LuaScript.load(RedisIngress.class, "lead.lua");

	private final RedisScripts scripts;

	private final ChannelSubscriptions subscriptions;

	private final RedisKeys keys;

	private final InstanceId instance;

	private final RoomRelay relay;

	private final UserEvents userEvents;

	private final JsonMapper json;

	private final Clock clock;

	private final long leaseMillis;

	private volatile boolean leading;

	private @Nullable List<byte[]> held;

	public RedisIngress(RedisScripts scripts, ChannelSubscriptions subscriptions, RedisKeys keys, InstanceId instance,
			RoomRelay relay, UserEvents userEvents, JsonMapper json, Clock clock, long leaseMillis) {
		this.scripts = scripts;
		this.subscriptions = subscriptions;
		this.keys = keys;
		this.instance = instance;
		this.relay = relay;
		this.userEvents = userEvents;
		this.json = json;
		this.clock = clock;
		this.leaseMillis = leaseMillis;
	}

	@Override
	public void leaseRenewed(boolean regained) {
		this.scripts.<Long>run(LEAD, ScriptOutputType.INTEGER, new String[] { this.keys.ingressLeader() },
				this.instance.value(), Long.toString(this.leaseMillis))
			.whenComplete((lead, failure) -> follow(failure == null && lead == 1L, regained));
	}

	public boolean isLeading() {
		return this.leading;
	}

	private synchronized void follow(boolean lead, boolean regained) {
		if (lead && (!this.leading || regained)) {
			this.leading = true;
			this.subscriptions.subscribe(new ChannelHandler() {

				@Override
				public void message(String channel, byte[] payload) {
					received(payload);
				}

				@Override
				public void resubscribed(String channel) {
					verifyLead();
				}

			}, this.keys.ingressChannel());
			logger.info("This instance now reads the ingress channel " + this.keys.ingressChannel());
		}
		else if (!lead && this.leading) {
			this.leading = false;
			this.subscriptions.unsubscribe(this.keys.ingressChannel());
		}
		if (this.held != null) {
			List<byte[]> waiting = this.held;
			this.held = null;
			if (lead) {
				waiting.forEach(this::deliver);
			}
		}
	}

	/**
	 * After a reconnect Lettuce subscribes this instance again, but another one may have
	 * taken the lead meanwhile: messages wait until the lease says who reads them, so each
	 * is delivered once.
	 */
	private synchronized void verifyLead() {
		if (this.held == null) {
			this.held = new ArrayList<>();
		}
		leaseRenewed(false);
	}

	private synchronized void received(byte[] payload) {
		if (this.held != null) {
			this.held.add(payload);
		}
		else if (this.leading) {
			deliver(payload);
		}
	}

	private void deliver(byte[] payload) {
		try {
			ObjectNode request = JsonFields.object(this.json, payload);
			String roomId = JsonFields.text(request, "roomId", 64);
			String userId = JsonFields.text(request, "userId", 128);
			if (roomId != null) {
				this.relay.publish(MessageRequest.from(request).draft(RoomId.of(roomId), Sender.SERVER))
					.whenComplete((published, failure) -> report(failure));
			}
			else if (userId != null) {
				String type = JsonFields.text(request, "type", 64);
				JsonNode body = request.has("body") ? request.get("body") : NullNode.getInstance();
				this.userEvents.send(userId, new UserEvent((type != null) ? type : "event", body, this.clock.millis()))
					.whenComplete((sent, failure) -> report(failure));
			}
			else {
				logger.warn("Ignored a message on " + this.keys.ingressChannel() + " with neither roomId nor userId");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Ignored a malformed message on " + this.keys.ingressChannel() + ": " + ex.getMessage());
		}
	}

	private void report(Throwable failure) {
		if (failure != null) {
			logger.warn("Could not deliver a message from " + this.keys.ingressChannel() + ": " + failure.getMessage());
		}
	}

}
