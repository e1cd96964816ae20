package dev.stompbox.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

/**
 * Runs Lua scripts by SHA, sending the body only when Redis does not know it (first use,
 * or after a restart that emptied its script cache). Failures to reach Redis come back as
 * {@code unavailable}: the caller did nothing and may retry. What the caller chains on
 * the answer runs on the executor given, off Lettuce's I/O thread.
 */
public class RedisScripts {

	private final RedisConnections connections;

	private final Executor replies;

	public RedisScripts(RedisConnections connections, Executor replies) {
		this.connections = connections;
		this.replies = replies;
	}

	public <T> CompletionStage<T> run(LuaScript script, ScriptOutputType output, String[] keys, String... args) {
		CompletableFuture<T> result = new CompletableFuture<>();
		this.connections.commands().<T>evalsha(script.sha(), output, keys, args).whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
			}
			else if (isNoScript(failure)) {
				this.connections.commands()
					.<T>eval(script.body(), output, keys, args)
					.whenComplete((retried, again) -> {
						if (again == null) {
							result.complete(retried);
						}
						else {
							result.completeExceptionally(translate(again));
						}
					});
			}
			else {
				result.completeExceptionally(translate(failure));
			}
		});
		// The same answer, handed over to the replies thread: what callers chain runs
		// there.
		return result.thenApplyAsync(Function.identity(), this.replies);
	}

	private static boolean isNoScript(Throwable failure) {
		return failure instanceof RedisNoScriptException
				|| (failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"));
	}

	/**
	 * What a client is told when Redis failed: retry later, unless the script itself
	 * failed.
	 */
	public static StompboxException translate(Throwable failure) {
		Throwable cause = (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null)
				? failure.getCause() : failure;
		if (cause instanceof StompboxException known) {
			return known;
		}
		if (cause instanceof RedisCommandExecutionException) {
			return ErrorCode.INTERNAL.exception("Internal error");
		}
		if (cause instanceof RedisException || cause instanceof java.io.IOException) {
			return ErrorCode.UNAVAILABLE.exception("Redis is unreachable; nothing was delivered, retry");
		}
		return ErrorCode.INTERNAL.exception("Internal error");
	}

}
