package dev.stompbox.presence;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMemberListTests {

	private static final String SCRIPT_JSON = "[{\"name\":\"Ann\",\"sessions\":2,\"userId\":\"u-1\"},"
			+ "{\"userId\":\"u\\/2\",\"name\":\"B\\u00f6\",\"sessions\":1}]";

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void isWrittenAsTheScriptWroteIt() {
		PresenceSnapshot snapshot = new PresenceSnapshot("r", new JsonMemberList(SCRIPT_JSON, this.mapper), 2);
		assertThat(this.mapper.writeValueAsString(snapshot))
			.isEqualTo("{\"roomId\":\"r\",\"members\":" + SCRIPT_JSON + ",\"memberCount\":2}");
	}

	@Test
	void readsToTheMembersAListOfThemWouldHold() {
		List<Member> members = new JsonMemberList(SCRIPT_JSON, this.mapper);
		assertThat(members).containsExactly(new Member("u-1", "Ann", 2), new Member("u/2", "Bö", 1));
		assertThat(this.mapper.readTree(this.mapper.writeValueAsString(new PresenceSnapshot("r", members, 2))))
			.isEqualTo(this.mapper.readTree(this.mapper.writeValueAsString(
					new PresenceSnapshot("r", List.of(new Member("u-1", "Ann", 2), new Member("u/2", "Bö", 1)), 2))));
	}

	@Test
	void anEmptyRoomIsAnEmptyArray() {
		assertThat(new JsonMemberList("[]", this.mapper)).isEmpty();
		assertThat(this.mapper.writeValueAsString(new PresenceSnapshot("r", new JsonMemberList("[]", this.mapper), 0)))
			.isEqualTo("{\"roomId\":\"r\",\"members\":[],\"memberCount\":0}");
	}

}
