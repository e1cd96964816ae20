package dev.stompbox.sockjs;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import dev.stompbox.security.SockJsCredentials;
import dev.stompbox.security.TokenVerifier;

/**
 * What instances tell each other about a SockJS session that one of them holds, over each
 * instance's SockJS channel. Text, since every body and frame of SockJS is text: each
 * field is its length, a colon and itself, a field that is absent a dash and a colon.
 */
sealed interface RelayMessage {

	/** The request's id, unique at the instance that relayed it. */
	String requestId();

	String encode();

	/** An {@code xhr_send}'s body, for the session's holder to deliver. */
	record Send(String requestId, String replyTo, String sessionId, Credentials credentials,
			String body) implements RelayMessage {

		@Override
		public String encode() {
			return Fields.encode("S", this.requestId, this.replyTo, this.sessionId, this.credentials.digest(),
					this.credentials.userId(), this.body);
		}

	}

	/**
	 * An {@code xhr} or {@code xhr_streaming} request: the holder writes the session's
	 * frames to it.
	 */
	record Receive(String requestId, String replyTo, String sessionId, String transport,
			Credentials credentials) implements RelayMessage {

		@Override
		public String encode() {
			return Fields.encode("R", this.requestId, this.replyTo, this.sessionId, this.transport,
					this.credentials.digest(), this.credentials.userId());
		}

	}

	/**
	 * An {@code xhr_send} body over the limit was refused with 413 at the instance that
	 * relays this: the holder ends the session with the {@code too-large} ERROR frame, if
	 * the request was the session's user's.
	 */
	record Refuse(String requestId, String replyTo, String sessionId, Credentials credentials,
			String message) implements RelayMessage {

		@Override
		public String encode() {
			return Fields.encode("X", this.requestId, this.replyTo, this.sessionId, this.credentials.digest(),
					this.credentials.userId(), this.message);
		}

	}

	/**
	 * The client of a relayed receiving request went away.
	 *
	 * @param lost whether frames the holder wrote to it never reached the client
	 */
	record Detach(String requestId, String replyTo, String sessionId, boolean lost) implements RelayMessage {

		@Override
		public String encode() {
			return Fields.encode("D", this.requestId, this.replyTo, this.sessionId, this.lost ? "1" : "0");
		}

	}

	/**
	 * The holder's answer to a relayed request, or a part of it: a status and body that
	 * end it, or bytes to write and flush, or the end of a response whose bytes were
	 * written.
	 *
	 * @param holder the instance holding the session
	 * @param status the HTTP status that ends the request, or 0 for bytes that continue
	 * it
	 * @param body bytes to write
	 * @param last whether the response ends here
	 */
	record Reply(String requestId, String holder, String sessionId, int status, String body,
			boolean last) implements RelayMessage {

		static Reply status(String requestId, String holder, String sessionId, int status, String body) {
			return new Reply(requestId, holder, sessionId, status, body, true);
		}

		static Reply bytes(String requestId, String holder, String sessionId, String body) {
			return new Reply(requestId, holder, sessionId, 0, body, false);
		}

		static Reply end(String requestId, String holder, String sessionId) {
			return new Reply(requestId, holder, sessionId, 0, "", true);
		}

		@Override
		public String encode() {
			return Fields.encode("A", this.requestId, this.holder, this.sessionId, Integer.toString(this.status),
					this.body, this.last ? "1" : "0");
		}

	}

	/**
	 * A request's token as read and verified where it arrived (see
	 * {@code SockJsCredentials}), hex of its digest.
	 */
	record Credentials(@Nullable String digest, @Nullable String userId) {

		static Credentials of(HttpServletRequest request, TokenVerifier verifier) {
			SockJsCredentials read = SockJsCredentials.of(request, verifier);
			String digest = (read.tokenDigest() != null) ? HexFormat.of().formatHex(read.tokenDigest()) : null;
			return new Credentials(digest, read.userId());
		}

		SockJsCredentials read() {
			return new SockJsCredentials((this.digest != null) ? HexFormat.of().parseHex(this.digest) : null,
					this.userId);
		}

	}

	static RelayMessage decode(String text) {
		List<@Nullable String> f = Fields.decode(text);
		String kind = f.get(0);
		return switch (kind) {
			case "S" -> new Send(f.get(1), f.get(2), f.get(3), new Credentials(f.get(4), f.get(5)), f.get(6));
			case "R" -> new Receive(f.get(1), f.get(2), f.get(3), f.get(4), new Credentials(f.get(5), f.get(6)));
			case "X" -> new Refuse(f.get(1), f.get(2), f.get(3), new Credentials(f.get(4), f.get(5)), f.get(6));
			case "D" -> new Detach(f.get(1), f.get(2), f.get(3), "1".equals(f.get(4)));
			case "A" ->
				new Reply(f.get(1), f.get(2), f.get(3), Integer.parseInt(f.get(4)), f.get(5), "1".equals(f.get(6)));
			default -> throw new IllegalArgumentException("Unknown SockJS relay message " + kind);
		};
	}

	/** The length-prefixed fields. */
	final class Fields {

		private Fields() {
		}

		static String encode(@Nullable String... fields) {
			StringBuilder text = new StringBuilder(64);
			for (String field : fields) {
				if (field == null) {
					text.append("-:");
				}
				else {
					text.append(field.length()).append(':').append(field);
				}
			}
			return text.toString();
		}

		static List<@Nullable String> decode(String text) {
			List<@Nullable String> fields = new ArrayList<>(8);
			int at = 0;
			while (at < text.length()) {
				int colon = text.indexOf(':', at);
				if (colon < 0) {
					throw new IllegalArgumentException("Malformed SockJS relay message");
				}
				if (colon == at + 1 && text.charAt(at) == '-') {
					fields.add(null);
					at = colon + 1;
					continue;
				}
				int length = Integer.parseInt(text, at, colon, 10);
				fields.add(text.substring(colon + 1, colon + 1 + length));
				at = colon + 1 + length;
			}
			return fields;
		}

	}

}
