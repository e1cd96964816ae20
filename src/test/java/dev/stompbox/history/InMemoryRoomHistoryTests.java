package dev.stompbox.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

import dev.stompbox.room.Draft;
import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.RoomId;
import dev.stompbox.room.Sender;
import dev.stompbox.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRoomHistoryTests {

	private static final RoomId LOBBY = RoomId.of("lobby");

	private final MutableClock clock = new MutableClock(1_700_000_000_000L);

	private final InMemoryRoomHistory history = new InMemoryRoomHistory(new HistoryProperties(3, Duration.ofHours(1)),
			JsonMapper.builder().build(), this.clock);

	@Test
	void stampGivesTheEnvelopeTheNextIdTheTimeAndTheDraftsFields() {
		Envelope first = stamp(LOBBY, "a", false);
		long stampedAt = this.clock.millis();
		Envelope second = stamp(LOBBY, "b", false);
		assertThat(second.messageId().isAfter(first.messageId())).isTrue();
		assertThat(first.roomId()).isEqualTo("lobby");
		assertThat(first.type()).isEqualTo("message");
		assertThat(first.from()).isEqualTo(new Sender("alice", "Alice"));
		assertThat(first.body()).isEqualTo(StringNode.valueOf("a"));
		assertThat(first.ts()).isEqualTo(stampedAt);
		assertThat(first.clientMsgId()).isEqualTo("c-a");
	}

	@Test
	void roomWithoutHistoryHasNoLastIdAndOnlySinceZeroIsComplete() {
		HistorySlice latest = this.history.latest(LOBBY).toCompletableFuture().join();
		assertThat(latest.lastId()).isNull();
		assertThat(latest.messages()).isEmpty();
		assertThat(after(LOBBY, MessageId.ZERO).complete()).isTrue();
		HistorySlice unknown = after(LOBBY, MessageId.parse("123-0"));
		assertThat(unknown.complete()).as("a since from an earlier incarnation we know nothing of").isFalse();
		assertThat(unknown.messages()).isEmpty();
		assertThat(unknown.lastId()).isNull();
	}

	@Test
	void ephemeralMessagesTakeAnIdButAreNotKept() {
		Envelope kept = stamp(LOBBY, "kept", false);
		Envelope typing = stamp(LOBBY, "typing", true);
		assertThat(typing.messageId().isAfter(kept.messageId())).isTrue();
		assertThat(after(LOBBY, MessageId.ZERO).messages()).containsExactly(kept);
		assertThat(this.history.latest(LOBBY).toCompletableFuture().join().lastId()).isEqualTo(kept.messageId());
	}

	@Test
	void roomsHaveTheirOwnHistories() {
		Envelope inLobby = stamp(LOBBY, "x", false);
		Envelope elsewhere = stamp(RoomId.of("other"), "y", false);
		assertThat(after(LOBBY, MessageId.ZERO).messages()).containsExactly(inLobby);
		assertThat(after(RoomId.of("other"), MessageId.ZERO).messages()).containsExactly(elsewhere);
	}

	@Test
	void historyTrimmedToItsSizeIsIncompleteForAnOlderSince() {
		Envelope first = stamp(LOBBY, "1", false);
		Envelope second = stamp(LOBBY, "2", false);
		stamp(LOBBY, "3", false);
		stamp(LOBBY, "4", false);
		stamp(LOBBY, "5", false);
		assertThat(after(LOBBY, first.messageId()).complete()).isFalse();
		assertThat(after(LOBBY, second.messageId()).complete()).isTrue();
		assertThat(after(LOBBY, MessageId.ZERO).messages()).hasSize(3);
	}

	@Test
	void roomIdleLongerThanTheTtlForgetsItsHistoryAndStartsANewIncarnation() {
		Envelope old = stamp(LOBBY, "old", false);
		this.clock.advance(Duration.ofMinutes(59));
		this.history.expireIdleRooms();
		assertThat(after(LOBBY, MessageId.ZERO).messages()).containsExactly(old);

		this.clock.advance(Duration.ofMinutes(2));
		this.history.expireIdleRooms();
		assertThat(this.history.latest(LOBBY).toCompletableFuture().join().lastId()).isNull();
		assertThat(after(LOBBY, old.messageId()).complete()).isFalse();

		Envelope fresh = stamp(LOBBY, "fresh", false);
		assertThat(fresh.messageId().isAfter(old.messageId())).isTrue();
		HistorySlice slice = after(LOBBY, old.messageId());
		assertThat(slice.messages()).containsExactly(fresh);
		assertThat(slice.complete()).as("messages between the incarnations are gone").isFalse();
		assertThat(after(LOBBY, fresh.messageId()).complete()).isTrue();
	}

	@Test
	void aByteBudgetCutsTheSliceToTheOldestMessagesThatFitButNeverToNothing() {
		InMemoryRoomHistory roomy = new InMemoryRoomHistory(new HistoryProperties(10, Duration.ofHours(1)),
				JsonMapper.builder().build(), this.clock);
		String kilobyte = "x".repeat(1024);
		List<Envelope> sent = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			this.clock.advance(Duration.ofMillis(1));
			sent.add(roomy.stamp(new Draft(LOBBY, "message", new Sender("alice", "Alice"),
					StringNode.valueOf(kilobyte + i), null, false), this.clock.millis()));
		}
		int oneEnvelope = JsonMapper.builder().build().writeValueAsBytes(sent.get(0)).length;

		HistorySlice two = roomy.after(LOBBY, MessageId.ZERO, 10, 2 * oneEnvelope + 10).toCompletableFuture().join();
		assertThat(two.messages()).containsExactly(sent.get(0), sent.get(1));
		assertThat(two.more()).isTrue();
		assertThat(two.complete()).isTrue();

		HistorySlice tiny = roomy.after(LOBBY, MessageId.ZERO, 10, 10).toCompletableFuture().join();
		assertThat(tiny.messages()).as("one message over the budget still comes").containsExactly(sent.get(0));
		assertThat(tiny.more()).isTrue();

		HistorySlice rest = roomy.after(LOBBY, sent.get(2).messageId(), 10, 2 * oneEnvelope + 10)
			.toCompletableFuture()
			.join();
		assertThat(rest.messages()).containsExactly(sent.get(3), sent.get(4));
		assertThat(rest.more()).as("nothing after the last one").isFalse();
	}

	private Envelope stamp(RoomId room, String text, boolean ephemeral) {
		this.clock.advance(Duration.ofMillis(1));
		return this.history.stamp(new Draft(room, "message", new Sender("alice", "Alice"), StringNode.valueOf(text),
				"c-" + text, ephemeral), this.clock.millis());
	}

	private HistorySlice after(RoomId room, MessageId since) {
		return this.history.after(room, since, 100).toCompletableFuture().join();
	}

}
