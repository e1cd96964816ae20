package dev.stompbox.room;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MessageIdTests {

	@Test
	void parsesTheRedisStreamIdFormatAndPrintsItBack() {
		MessageId id = MessageId.parse("1732262400123-7");
		assertThat(id.millis()).isEqualTo(1732262400123L);
		assertThat(id.seq()).isEqualTo(7);
		assertThat(id).hasToString("1732262400123-7");
		assertThat(MessageId.parse(id.toString())).isEqualTo(id);
	}

	@Test
	void comparesByMillisThenSeqAsNumbersNotAsText() {
		List<MessageId> ids = new ArrayList<>(List.of(MessageId.parse("10-0"), MessageId.parse("9-11"),
				MessageId.parse("9-2"), MessageId.parse("100-0"), MessageId.parse("9-10")));
		Collections.sort(ids);
		assertThat(ids).extracting(MessageId::toString).containsExactly("9-2", "9-10", "9-11", "10-0", "100-0");
		assertThat(MessageId.parse("5-10").isAfter(MessageId.parse("5-9"))).isTrue();
		assertThat(MessageId.parse("5-9").isAfter(MessageId.parse("5-9"))).isFalse();
		assertThat(MessageId.parse("5-0").compareTo(MessageId.parse("5-0"))).isZero();
	}

	@Test
	void zeroIsBeforeEveryOtherId() {
		assertThat(MessageId.ZERO).hasToString("0-0");
		assertThat(MessageId.parse("0-0")).isEqualTo(MessageId.ZERO);
		assertThat(MessageId.parse("0-1").isAfter(MessageId.ZERO)).isTrue();
		assertThat(MessageId.parse("1-0").isAfter(MessageId.ZERO)).isTrue();
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "123", "-1", "1-", "-", "a-b", "1-x", "x-1", "1--1", "1-2-3", " 1-0", "1-0 ",
			"99999999999999999999-0", "1-99999999999999999999", "1.5-0" })
	void malformedIdIsABadRequest(String text) {
		assertThatExceptionOfType(StompboxException.class).isThrownBy(() -> MessageId.parse(text))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_REQUEST));
	}

	@Test
	void negativePartsAreABadRequest() {
		assertThatExceptionOfType(StompboxException.class).isThrownBy(() -> new MessageId(-1, 0));
		assertThatExceptionOfType(StompboxException.class).isThrownBy(() -> new MessageId(0, -1));
	}

	@Test
	void nextStartsANewMillisecondWhenTheClockMovedOn() {
		assertThat(new MessageId(5, 3).next(6)).isEqualTo(new MessageId(6, 0));
		assertThat(MessageId.ZERO.next(1732262400123L)).isEqualTo(new MessageId(1732262400123L, 0));
	}

	@Test
	void nextCountsUpWithinTheSameMillisecondAndWhenTheClockGoesBack() {
		assertThat(new MessageId(5, 3).next(5)).isEqualTo(new MessageId(5, 4));
		assertThat(new MessageId(5, 3).next(2)).isEqualTo(new MessageId(5, 4));
	}

	@Test
	void nextIsAlwaysAfterWhateverTheClockSays() {
		MessageId id = MessageId.ZERO;
		long[] clock = { 10, 10, 10, 9, 11, 11, 3, 12 };
		for (long now : clock) {
			MessageId next = id.next(now);
			assertThat(next.isAfter(id)).as("%s after %s at %d", next, id, now).isTrue();
			id = next;
		}
		assertThat(id).isEqualTo(new MessageId(12, 0));
	}

}
