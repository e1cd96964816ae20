package dev.stompbox.history;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;

import dev.stompbox.room.Envelope;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.Sender;

import static org.assertj.core.api.Assertions.assertThat;

class RoomLogTests {

	@Test
	void issuesStrictlyIncreasingIdsWhateverTheClockDoes() {
		RoomLog log = new RoomLog(10);
		List<MessageId> ids = new ArrayList<>();
		for (long now : new long[] { 100, 100, 100, 99, 101, 50, 101, 102 }) {
			ids.add(log.issue(now));
		}
		assertThat(ids).isSorted().doesNotHaveDuplicates();
		assertThat(ids.get(0)).isEqualTo(new MessageId(100, 0));
		assertThat(ids.get(3)).isEqualTo(new MessageId(100, 3));
		assertThat(ids.get(7)).isEqualTo(new MessageId(102, 0));
	}

	@Test
	void afterGivesTheKeptMessagesNewerThanSinceOldestFirst() {
		RoomLog log = new RoomLog(10);
		List<String> ids = keep(log, 5);
		HistorySlice slice = log.after(MessageId.parse(ids.get(1)), 10);
		assertThat(slice.messages()).extracting(Envelope::id).containsExactlyElementsOf(ids.subList(2, 5));
		assertThat(slice.complete()).isTrue();
		assertThat(slice.lastId()).hasToString(ids.get(4));
		assertThat(log.after(MessageId.parse(ids.get(4)), 10).messages()).isEmpty();
	}

	@Test
	void afterWithALimitGivesTheOldestMessagesAfterSince() {
		RoomLog log = new RoomLog(10);
		List<String> ids = keep(log, 6);
		HistorySlice slice = log.after(MessageId.ZERO, 2);
		assertThat(slice.messages()).extracting(Envelope::id).containsExactly(ids.get(0), ids.get(1));
		assertThat(slice.complete()).isTrue();
		assertThat(slice.more()).as("four more are kept").isTrue();
		assertThat(log.after(MessageId.parse(ids.get(3)), 2).more()).as("exactly the last two").isFalse();
		assertThat(log.after(MessageId.parse(ids.get(2)), 2).more()).isTrue();
		assertThat(log.after(MessageId.parse(ids.get(5)), 2).more()).isFalse();
	}

	@Test
	void sinceZeroGivesEverythingKeptAndIsCompleteWhileNothingWasDropped() {
		RoomLog log = new RoomLog(3);
		List<String> ids = keep(log, 3);
		HistorySlice slice = log.after(MessageId.ZERO, 100);
		assertThat(slice.messages()).extracting(Envelope::id).containsExactlyElementsOf(ids);
		assertThat(slice.complete()).isTrue();
	}

	@Test
	void trimmedLogIsCompleteOnlyForASinceAtOrAfterTheNewestDroppedId() {
		RoomLog log = new RoomLog(3);
		List<String> ids = keep(log, 5);
		// ids 0 and 1 were dropped.
		assertThat(log.after(MessageId.ZERO, 100).complete()).isFalse();
		assertThat(log.after(MessageId.parse(ids.get(0)), 100).complete()).isFalse();
		HistorySlice edge = log.after(MessageId.parse(ids.get(1)), 100);
		assertThat(edge.complete()).isTrue();
		assertThat(edge.messages()).extracting(Envelope::id).containsExactlyElementsOf(ids.subList(2, 5));
		assertThat(log.after(MessageId.parse(ids.get(3)), 100).complete()).isTrue();
		HistorySlice gap = log.after(MessageId.ZERO, 100);
		assertThat(gap.messages()).extracting(Envelope::id).containsExactlyElementsOf(ids.subList(2, 5));
	}

	@Test
	void sinceOlderThanTheFirstIdThisIncarnationIssuedIsIncomplete() {
		RoomLog log = new RoomLog(10);
		List<String> ids = keep(log, 2);
		MessageId first = MessageId.parse(ids.get(0));
		MessageId earlier = new MessageId(first.millis() - 1, 5);
		HistorySlice slice = log.after(earlier, 10);
		assertThat(slice.complete()).as("a since the room never issued: the client saw a lost incarnation").isFalse();
		assertThat(slice.messages()).extracting(Envelope::id).containsExactlyElementsOf(ids);
		assertThat(log.after(first, 10).complete()).isTrue();
	}

	@Test
	void ephemeralIdsAreIssuedButNotKeptNorReportedAsLastId() {
		RoomLog log = new RoomLog(10);
		List<String> kept = keep(log, 1);
		MessageId ephemeral = log.issue(1_000_000);
		assertThat(ephemeral.isAfter(MessageId.parse(kept.get(0)))).isTrue();
		assertThat(log.latest().lastId()).hasToString(kept.get(0));
		assertThat(log.after(MessageId.ZERO, 10).messages()).extracting(Envelope::id).containsExactlyElementsOf(kept);
		assertThat(log.after(MessageId.parse(kept.get(0)), 10).complete()).isTrue();
	}

	@Test
	void latestOfALogWithNothingKeptHasNoLastId() {
		RoomLog log = new RoomLog(10);
		assertThat(log.latest().lastId()).isNull();
		assertThat(log.latest().messages()).isEmpty();
		log.issue(5);
		assertThat(log.latest().lastId()).as("only an ephemeral message so far").isNull();
	}

	@Test
	void logThatKeepsNothingIsCompleteOnlyFromItsNewestId() {
		RoomLog log = new RoomLog(0);
		List<String> ids = keep(log, 3);
		assertThat(log.after(MessageId.ZERO, 10).messages()).isEmpty();
		assertThat(log.after(MessageId.parse(ids.get(1)), 10).complete()).isFalse();
		assertThat(log.after(MessageId.parse(ids.get(2)), 10).complete()).isTrue();
		assertThat(log.latest().lastId()).hasToString(ids.get(2));
	}

	@Test
	void isIdleSinceItsLastIssuedId() {
		RoomLog log = new RoomLog(10);
		log.issue(1000);
		assertThat(log.idleSince(1000)).isFalse();
		assertThat(log.idleSince(1001)).isTrue();
	}

	/** Issues and keeps messages, one a millisecond, and returns their ids. */
	private static List<String> keep(RoomLog log, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			MessageId id = log.issue(1000 + i);
			log.store(new Envelope(id.toString(), "lobby", "message", new Sender("alice", "Alice"), IntNode.valueOf(i),
					1000 + i, null), id);
			ids.add(id.toString());
		}
		return ids;
	}

}
