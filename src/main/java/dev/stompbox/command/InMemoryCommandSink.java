package dev.stompbox.command;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Single-node commands: the newest are kept in memory and each is published as an
 * application event, for a backend that runs in the same process.
 */
public class InMemoryCommandSink implements CommandSink {

	static final int CAPACITY = 10_000;

	private final ArrayDeque<ClientCommand> recent = new ArrayDeque<>();

	private final ApplicationEventPublisher events;

	public InMemoryCommandSink(ApplicationEventPublisher events) {
		this.events = events;
	}

	@Override
	public CompletionStage<Void> append(ClientCommand command) {
		synchronized (this.recent) {
			this.recent.addLast(command);
			if (this.recent.size() > CAPACITY) {
				this.recent.removeFirst();
			}
		}
		this.events.publishEvent(command);
		return CompletableFuture.completedFuture(null);
	}

	/** The commands kept, oldest first. */
	public List<ClientCommand> recent() {
		synchronized (this.recent) {
			return List.copyOf(this.recent);
		}
	}

}
