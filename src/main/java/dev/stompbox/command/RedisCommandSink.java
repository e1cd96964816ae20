package dev.stompbox.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.XAddArgs;

import dev.stompbox.redis.RedisConnections;
import dev.stompbox.redis.RedisKeys;
import dev.stompbox.redis.RedisScripts;

/**
 * Cluster commands: appended to the stream backends read with a consumer group, so each
 * command is handled once however many backend replicas run (PROTOCOL.md section 7.2).
 */
public class RedisCommandSink implements CommandSink {

	private final RedisConnections connections;

	private final RedisKeys keys;

	private final long maxLength;

	public RedisCommandSink(RedisConnections connections, RedisKeys keys, long maxLength) {
		this.connections = connections;
		this.keys = keys;
		this.maxLength = maxLength;
	}

	@Override
	public CompletionStage<Void> append(ClientCommand command) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("name", command.name());
		fields.put("roomId", command.roomId());
		fields.put("userId", command.userId());
		fields.put("body", command.body());
		fields.put("ts", Long.toString(command.ts()));
		return this.connections.commands()
			.xadd(this.keys.commandStream(), XAddArgs.Builder.maxlen(this.maxLength).approximateTrimming(), fields)
			.<Void>thenApply((id) -> null)
			.exceptionally((failure) -> {
				throw RedisScripts.translate(failure);
			});
	}

}
