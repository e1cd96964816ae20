package dev.stompbox.history;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import io.lettuce.core.ScriptOutputType;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.redis.LuaScript;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;
import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomId;

/**
 * Cluster history: the room's Redis stream, which the relay's publish script appends to.
 * Whether a client's gap is recovered is decided from the room's epoch (the first id of
 * this incarnation of the room: a stream lost with a Redis restart starts a new one) and
 * the largest id the stream trimmed away (or, keeping nothing, never kept).
 * <p>
 * The script cuts a read to the limit and the byte budget, so Redis sends no more than a
 * reply holds; what it sends is decoded on the executor given, never on the thread that
 * hands on every Redis answer.
 */
public class RedisRoomHistory implements RoomHistory {

	private static final LuaScript READ = LuaScript.load(RedisRoomHistory.class, "read.lua");

	private final RedisScripts scripts;

	private final RedisKeys keys;

	private final JsonMapper json;

	private final Executor decoding;

	public RedisRoomHistory(RedisScripts scripts, RedisKeys keys, JsonMapper json, Executor decoding) {
		this.scripts = scripts;
		this.keys = keys;
		this.json = json;
		this.decoding = decoding;
	}

	@Override
	public CompletionStage<HistorySlice> after(RoomId room, MessageId since, int limit, int maxBytes) {
		return read(room, since, limit, maxBytes);
	}

	@Override
	public CompletionStage<HistorySlice> latest(RoomId room) {
		return read(room, MessageId.ZERO, 0, 0);
	}

	private CompletionStage<HistorySlice> read(RoomId room, MessageId since, int limit, int maxBytes) {
		String[] keys = { this.keys.roomStream(room), this.keys.roomSequence(room) };
		return this.scripts
			.<List<Object>>run(READ, ScriptOutputType.MULTI, keys, since.toString(), Integer.toString(limit),
					Integer.toString(maxBytes))
			.thenApplyAsync((result) -> slice(result, since), this.decoding);
	}

	@SuppressWarnings("unchecked")
	private HistorySlice slice(List<Object> result, MessageId since) {
		String epoch = (String) result.get(0);
		MessageId dropped = MessageId.parse((String) result.get(1));
		String last = (String) result.get(2);
		List<Object> entries = (List<Object>) result.get(3);
		List<Envelope> messages = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			messages.add(this.json.readValue((String) entry, Envelope.class));
		}
		return new HistorySlice(messages, complete(since, epoch, dropped),
				last.isEmpty() ? null : MessageId.parse(last), ((Long) result.get(4)) == 1L);
	}

	private static boolean complete(MessageId since, String epoch, MessageId dropped) {
		if (since.equals(MessageId.ZERO)) {
			return dropped.equals(MessageId.ZERO);
		}
		if (epoch.isEmpty()) {
			// Nothing is known of the room: a client that saw messages of it saw ones we
			// lost.
			return false;
		}
		return !MessageId.parse(epoch).isAfter(since) && !dropped.isAfter(since);
	}

}
