package dev.stompbox.dedupe;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryDedupeWindowTests {

	private static final Duration WINDOW = Duration.ofMinutes(10);

	private static final DedupeKey KEY = new DedupeKey("alice", RoomId.of("lobby"), "c-42");

	private static final MessageId FIRST = MessageId.parse("1700000000000-0");

	private final MutableClock clock = new MutableClock(1_700_000_000_000L);

	private final InMemoryDedupeWindow window = new InMemoryDedupeWindow(new DedupeProperties(WINDOW), this.clock);

	@Test
	void unknownKeyHasNoFirstId() {
		assertThat(this.window.firstId(KEY)).isEmpty();
	}

	@Test
	void remembersTheFirstIdForTheWholeWindow() {
		this.window.remember(KEY, FIRST);
		assertThat(this.window.firstId(KEY)).contains(FIRST);
		this.clock.advance(WINDOW.minusMillis(1));
		assertThat(this.window.firstId(KEY)).contains(FIRST);
	}

	@Test
	void forgetsTheKeyOnceTheWindowHasPassed() {
		this.window.remember(KEY, FIRST);
		this.clock.advance(WINDOW);
		assertThat(this.window.firstId(KEY)).isEmpty();
		this.clock.advance(Duration.ofHours(1));
		assertThat(this.window.firstId(KEY)).isEmpty();
	}

	@Test
	void keyRememberedAgainAfterExpiryHasItsNewIdAndANewWindow() {
		this.window.remember(KEY, FIRST);
		this.clock.advance(WINDOW);
		MessageId second = MessageId.parse("1700000600000-0");
		this.window.remember(KEY, second);
		this.clock.advance(WINDOW.minusMillis(1));
		assertThat(this.window.firstId(KEY)).contains(second);
	}

	@Test
	void keysDifferByUserRoomAndClientMsgId() {
		this.window.remember(KEY, FIRST);
		assertThat(this.window.firstId(new DedupeKey("bob", RoomId.of("lobby"), "c-42"))).isEmpty();
		assertThat(this.window.firstId(new DedupeKey("alice", RoomId.of("kitchen"), "c-42"))).isEmpty();
		assertThat(this.window.firstId(new DedupeKey("alice", RoomId.of("lobby"), "c-43"))).isEmpty();
		assertThat(this.window.firstId(new DedupeKey("alice", RoomId.of("lobby"), "c-42"))).contains(FIRST);
	}

	@Test
	void sweepingForgetsExpiredKeysOnly() {
		DedupeKey older = new DedupeKey("alice", RoomId.of("lobby"), "old");
		this.window.remember(older, FIRST);
		this.clock.advance(Duration.ofMinutes(6));
		this.window.remember(KEY, FIRST);
		this.clock.advance(Duration.ofMinutes(5));
		this.window.forgetExpired();
		assertThat(this.window.firstId(older)).isEmpty();
		assertThat(this.window.firstId(KEY)).contains(FIRST);
	}

}
