package dev.stompbox.security;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.stompbox.room.RoomId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code rooms} claim of PROTOCOL.md section 2: exact ids and {@code prefix*}
 * patterns.
 */
class RoomAccessTests {

	private final RoomAccess teamsAndLobby = RoomAccess.of(List.of("team-*", "lobby"));

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({ "lobby, true", "lobby2, false", "lobb, false", "LOBBY, false" })
	void exactIdAllowsOnlyThatRoom(String room, boolean allowed) {
		assertThat(this.teamsAndLobby.allows(RoomId.of(room))).isEqualTo(allowed);
	}

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({ "team-a, true", "team-, true", "team, false", "teamx, false", "my-team-a, false" })
	void prefixPatternAllowsEveryRoomStartingWithThePrefix(String room, boolean allowed) {
		assertThat(this.teamsAndLobby.allows(RoomId.of(room))).isEqualTo(allowed);
	}

	@Test
	void anAbsentClaimAllowsEveryRoomAndAnEmptyOneNone() {
		assertThat(RoomAccess.ANY.allows(RoomId.of("anything"))).isTrue();
		assertThat(RoomAccess.of(List.of()).allows(RoomId.of("anything"))).isFalse();
	}

	@Test
	void aLoneStarAllowsEveryRoom() {
		assertThat(RoomAccess.of(List.of("*")).allows(RoomId.of("anything"))).isTrue();
	}

}
