package dev.stompbox.dedupe;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.stompbox.room.MessageId;

public class InMemoryDedupeWindow implements DedupeWindow {

	private final Map<DedupeKey, Remembered> entries = new ConcurrentHashMap<>();

	private final DedupeProperties properties;

	private final Clock clock;

	public InMemoryDedupeWindow(DedupeProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public Optional<MessageId> firstId(DedupeKey key) {
		Remembered remembered = this.entries.get(key);
		if (remembered == null || remembered.expiresAt() <= this.clock.millis()) {
			return Optional.empty();
		}
		return Optional.of(remembered.id());
	}

	@Override
	public void remember(DedupeKey key, MessageId id) {
		this.entries.put(key, new Remembered(id, this.clock.millis() + this.properties.window().toMillis()));
	}

	public void forgetExpired() {
		long now = this.clock.millis();
		this.entries.values().removeIf((remembered) -> remembered.expiresAt() <= now);
	}

	private record Remembered(MessageId id, long expiresAt) {
	}

}
