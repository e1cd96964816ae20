package dev.stompbox.command;

import java.util.concurrent.CompletionStage;

/**
 * Stores client commands for backends. One implementation per mode: in memory, or the
 * Redis stream that backends read with a consumer group.
 */
public interface CommandSink {

	/** Completes once the command is stored for the backend. */
	CompletionStage<Void> append(ClientCommand command);

}
