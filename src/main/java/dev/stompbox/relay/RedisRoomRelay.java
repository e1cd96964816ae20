package dev.stompbox.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.dedupe.DedupeProperties;
import dev.stompbox.history.HistoryProperties;
import dev.stompbox.instance.Mode;
import dev.stompbox.metrics.RelayPublishTimer;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.redis.ChannelHandler;
import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.room.Draft;
import dev.stompbox.room.EnvelopeParts;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.room.RoomId;

/**
 * The cluster relay. A publish is one Lua script ({@code publish.lua}) that dedupes,
 * takes the room's next id, appends to the room's stream and publishes to the room's
 * channel, so ids, history and delivery agree in order on every instance. The instance
 * subscribes to a room's channels only while it has local subscribers; each message
 * crosses Redis once per interested instance, and is written to local subscribers as it
 * arrived, without being decoded.
 */
public class RedisRoomRelay implements RoomRelay {

	private static final Log logger = LogFactory.getLog(RedisRoomRelay.class);

	private static final LuaScript PUBLISH = LuaScript.load(RedisRoomRelay.class, "publish.lua");

	private final RedisScripts scripts;

	private final RedisConnections connections;

	private final ChannelSubscriptions subscriptions;

	private final RedisKeys keys;

	private final LocalDelivery delivery;

	private final JsonMapper json;

	/** How much earlier than this host's clock a new room's gap is looked for. */
	static final long CLOCK_MARGIN_MILLIS = 2000;

	private static final int CATCH_UP_ATTEMPTS = 20;

	private static final long CATCH_UP_RETRY_MILLIS = 250;

	private final String historySize;

	private final long historyLimit;

	private final String historyTtlMillis;

	private final String dedupeWindowMillis;

	private final StompboxMetrics metrics;

	private final RelayPublishTimer publishTimer;

	public RedisRoomRelay(RedisScripts scripts, RedisConnections connections, ChannelSubscriptions subscriptions,
			RedisKeys keys, LocalDelivery delivery, JsonMapper json, HistoryProperties history, DedupeProperties dedupe,
			StompboxMetrics metrics) {
		this.scripts = scripts;
		this.connections = connections;
		this.subscriptions = subscriptions;
		this.keys = keys;
		this.delivery = delivery;
		this.json = json;
		this.historySize = Integer.toString(history.size());
		this.historyLimit = Math.max(1, history.size());
		this.historyTtlMillis = Long.toString(Math.max(1, history.ttl().toMillis()));
		this.dedupeWindowMillis = Long.toString(Math.max(1, dedupe.window().toMillis()));
		this.metrics = metrics;
		this.publishTimer = metrics.relayPublish(Mode.CLUSTER);
	}

	@Override
	public CompletionStage<Publication> publish(Draft draft) {
		return this.publishTimer.time(() -> publishNow(draft), Publication::duplicate);
	}

	private CompletionStage<Publication> publishNow(Draft draft) {
		RoomId room = draft.room();
		boolean dedupe = draft.clientMsgId() != null;
		String dedupeKey = dedupe ? this.keys.dedupe(room, draft.from().userId(), draft.clientMsgId())
				: this.keys.roomSequence(room);
		String[] keys = { this.keys.roomStream(room), this.keys.roomSequence(room), dedupeKey };
		EnvelopeParts envelope = EnvelopeParts.of(this.json, draft);
		return this.scripts
			.<List<Object>>run(PUBLISH, ScriptOutputType.MULTI, keys, this.keys.roomChannel(room), envelope.afterId(),
					envelope.afterTs(), draft.ephemeral() ? "1" : "0", this.historySize, this.historyTtlMillis,
					dedupe ? this.dedupeWindowMillis : "0")
			.thenApply(
					(result) -> new Publication(MessageId.parse((String) result.get(0)), ((Long) result.get(1)) == 1L));
	}

	@Override
	public CompletionStage<Void> publishPresence(RoomId room, byte[] json) {
		return this.connections.commands()
			.publish(this.keys.presenceChannel(room), new String(json, StandardCharsets.UTF_8))
			.thenApply((receivers) -> (Void) null)
			.exceptionally((failure) -> {
				throw RedisScripts.translate(failure);
			});
	}

	@Override
	public CompletionStage<Void> attach(RoomId room) {
		String messages = this.keys.roomChannel(room);
		String presence = this.keys.presenceChannel(room);
		String messageDestination = RoomDestinations.messages(room);
		String presenceDestination = RoomDestinations.presence(room);
		// Redis and this host may disagree on the time: a gap is looked for a little
		// earlier.
		RoomFeed feed = new RoomFeed((envelope) -> deliverMessage(messageDestination, envelope),
				System.currentTimeMillis() - CLOCK_MARGIN_MILLIS);
		return this.subscriptions.subscribe(new ChannelHandler() {

			@Override
			public void message(String channel, byte[] payload) {
				if (channel.equals(messages)) {
					feed.live(payload);
				}
				else {
					RedisRoomRelay.this.delivery.deliver(presenceDestination, payload);
				}
			}

			@Override
			public void resubscribed(String channel) {
				if (channel.equals(messages)) {
					catchUp(room, feed);
				}
			}

		}, messages, presence);
	}

	/**
	 * Hands a room message to this instance's subscribers. Its lag is measured against
	 * the {@code ts} Redis stamped it with, so it includes any skew between the clocks.
	 */
	private void deliverMessage(String destination, byte[] envelope) {
		long ts = RoomFeed.tsOf(envelope);
		if (ts >= 0) {
			this.metrics.relayLag(System.currentTimeMillis() - ts);
		}
		this.delivery.deliver(destination, envelope);
	}

	/** Reads what the room's history kept while this instance was not subscribed. */
	private void catchUp(RoomId room, RoomFeed feed) {
		readMissed(room, feed, feed.catchUpFrom(), 1);
	}

	/**
	 * Right after Redis comes back, the subscription may be confirmed before a command is
	 * answered: a read that fails is tried again, since what it would have found is lost
	 * otherwise. Live messages wait meanwhile, and are delivered once it gives up.
	 */
	private void readMissed(RoomId room, RoomFeed feed, MessageId from, int attempt) {
		this.connections.commands()
			.xrange(this.keys.roomStream(room),
					Range.from(Range.Boundary.excluding(from.toString()), Range.Boundary.unbounded()),
					Limit.from(this.historyLimit))
			.whenComplete((entries, failure) -> {
				if (failure != null && attempt < CATCH_UP_ATTEMPTS) {
					CompletableFuture.delayedExecutor(CATCH_UP_RETRY_MILLIS, TimeUnit.MILLISECONDS)
						.execute(() -> readMissed(room, feed, from, attempt + 1));
					return;
				}
				List<byte[]> kept = new ArrayList<>();
				if (failure == null) {
					entries.forEach((entry) -> kept.add(entry.getBody().get("m").getBytes(StandardCharsets.UTF_8)));
				}
				else {
					logger.warn("Could not read what " + room + " kept while Redis pub/sub was interrupted: "
							+ failure.getMessage());
				}
				feed.caughtUp(kept);
			});
	}

	@Override
	public void detach(RoomId room) {
		this.subscriptions.unsubscribe(this.keys.roomChannel(room), this.keys.presenceChannel(room));
	}

}
