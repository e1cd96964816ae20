package dev.stompbox.presence;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Members as the presence script wrote them: a JSON array of {@code {userId, name,
 * sessions}}. A join ACK only passes the array on, so it is written out as it came, and
 * read into {@link Member}s only if someone looks at them. Reading it for every join only
 * to write it again was 8% of what an instance allocated in a reconnect storm into rooms
 * of a hundred.
 */
@JsonSerialize(using = JsonMemberList.AsWritten.class)
final class JsonMemberList extends AbstractList<Member> {

	private final String json;

	private final JsonMapper mapper;

	private @Nullable List<Member> read;

	JsonMemberList(String json, JsonMapper mapper) {
		this.json = json;
		this.mapper = mapper;
	}

	@Override
	public Member get(int index) {
		return members().get(index);
	}

	@Override
	public int size() {
		return members().size();
	}

	private synchronized List<Member> members() {
		if (this.read == null) {
			this.read = Arrays.asList(this.mapper.readValue(this.json, Member[].class));
		}
		return this.read;
	}

	static final class AsWritten extends ValueSerializer<JsonMemberList> {

		@Override
		public void serialize(JsonMemberList members, JsonGenerator generator, SerializationContext context) {
			generator.writeRawValue(members.json);
		}

	}

}
