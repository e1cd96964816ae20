package dev.stompbox.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.stompbox.room.RoomId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code rooms} claim of PROTOCOL.md section 2: exact ids and {@code prefix*}
 * patterns.
 */
class RoomAccessTests {

	private final RoomAccess teamsAndLobby = RoomAccess.of(List.of("team-*", "lobby"));

	@Test
	void exactIdAllowsOnlyThatRoom() {
		assertThat(this.teamsAndLobby.allows(RoomId.of("lobby"))).isTrue();
		assertThat(this.teamsAndLobby.allows(RoomId.of("lobby2"))).isFalse();
		assertThat(this.teamsAndLobby.allows(RoomId.of("lobb"))).isFalse();
		assertThat(this.teamsAndLobby.allows(RoomId.of("LOBBY"))).isFalse();
	}

	@Test
	void prefixPatternAllowsEveryRoomStartingWithThePrefix() {
		assertThat(this.teamsAndLobby.allows(RoomId.of("team-a"))).isTrue();
		assertThat(this.teamsAndLobby.allows(RoomId.of("team-"))).isTrue();
		assertThat(this.teamsAndLobby.allows(RoomId.of("team"))).isFalse();
		assertThat(this.teamsAndLobby.allows(RoomId.of("teamx"))).isFalse();
		assertThat(this.teamsAndLobby.allows(RoomId.of("my-team-a"))).isFalse();
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
