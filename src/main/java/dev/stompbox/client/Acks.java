package dev.stompbox.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import dev.stompbox.presence.Member;
import dev.stompbox.room.Envelope;

/** The ACKs of PROTOCOL.md section 4, sent on {@code /user/queue/acks}. */
final class Acks {

	private Acks() {
	}

	/**
	 * @param members at most the presence list limit, the joining user among them
	 * @param more true when more messages after the last recovered one are kept
	 */
	record Join(@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String requestId, String type, boolean ok,
			String roomId, List<Member> members, int memberCount, @Nullable String lastId, List<Envelope> recovered,
			boolean recoveredAll, boolean more) {

		Join(@Nullable String requestId, String roomId, List<Member> members, int memberCount, @Nullable String lastId,
				List<Envelope> recovered, boolean recoveredAll, boolean more) {
			this(requestId, "join", true, roomId, members, memberCount, lastId, recovered, recoveredAll, more);
		}

	}

	/**
	 * One page of a room's history.
	 *
	 * @param more true when more messages after the last of these are kept
	 * @param complete false when messages after the {@code since} asked for are no longer
	 * kept
	 */
	record History(@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String requestId, String type, boolean ok,
			String roomId, List<Envelope> messages, boolean more, boolean complete) {

		History(@Nullable String requestId, String roomId, List<Envelope> messages, boolean more, boolean complete) {
			this(requestId, "history", true, roomId, messages, more, complete);
		}

	}

	record Send(String requestId, String type, boolean ok, String id) {

		Send(String requestId, String id) {
			this(requestId, "send", true, id);
		}

	}

	record Leave(String requestId, String type, boolean ok, String roomId) {

		Leave(String requestId, String roomId) {
			this(requestId, "leave", true, roomId);
		}

	}

	record Command(String requestId, String type, boolean ok, String name) {

		Command(String requestId, String name) {
			this(requestId, "command", true, name);
		}

	}

}
