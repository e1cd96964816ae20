package dev.stompbox.client;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.stereotype.Controller;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.stompbox.command.ClientCommand;
import dev.stompbox.command.CommandSink;
import dev.stompbox.connection.RequestOutcome;
import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;
import dev.stompbox.history.HistorySlice;
import dev.stompbox.history.RecoveryProperties;
import dev.stompbox.history.RoomHistory;
import dev.stompbox.presence.MemberPage;
import dev.stompbox.presence.Presence;
import dev.stompbox.presence.PresenceProperties;
import dev.stompbox.presence.PresenceSession;
import dev.stompbox.presence.PresenceSnapshot;
import dev.stompbox.relay.RoomInterest;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.JsonFields;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.MessageRequest;
import dev.stompbox.room.RoomDestinations;
import dev.stompbox.room.RoomId;
import dev.stompbox.room.RoomRequest;
import dev.stompbox.room.Sender;
import dev.stompbox.security.ClientIdentity;
import dev.stompbox.user.SessionReplies;

/**
 * What a client does in rooms (PROTOCOL.md section 4): join, send, leave, hand commands
 * to the backend, and read presence and history. Every request is answered on the sending
 * session only: an ACK when it carried a {@code requestId}, and any failure on
 * {@code /user/queue/errors}. No answer grows with the room: member lists and recovered
 * messages are bounded, and the rest is read in pages.
 */
@Controller
class RoomRequestController {

	private static final Pattern COMMAND_NAME = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");

	private final RoomRelay relay;

	private final RoomInterest interest;

	private final Presence presence;

	private final RoomHistory history;

	private final CommandSink commands;

	private final SessionReplies replies;

	private final RecoveryProperties recovery;

	private final PresenceProperties presenceProperties;

	private final JsonMapper json;

	private final Clock clock;

	private final JoinQueue joins;

	RoomRequestController(RoomRelay relay, RoomInterest interest, Presence presence, RoomHistory history,
			CommandSink commands, SessionReplies replies, RecoveryProperties recovery,
			PresenceProperties presenceProperties, JsonMapper jsonMapper, Clock clock, JoinQueue joins) {
		this.relay = relay;
		this.interest = interest;
		this.presence = presence;
		this.history = history;
		this.commands = commands;
		this.replies = replies;
		this.recovery = recovery;
		this.presenceProperties = presenceProperties;
		this.json = jsonMapper;
		this.clock = clock;
		this.joins = joins;
	}

	@MessageMapping("/rooms/{roomId}/join")
	void join(@DestinationVariable String roomId, Message<byte[]> message) {
		handle(message, RoomRequest.JOIN, (request, body) -> {
			RoomId room = RoomId.of(roomId);
			String since = JsonFields.text(body, "since", 64);
			MessageId sinceId = (since != null) ? MessageId.parse(since) : null;
			ClientIdentity identity = request.identity();
			identity.checkRoom(room);
			String requestId = ClientRequest.requestId(body);
			// Ready: this instance receives the room from every instance, and the
			// broker has registered the session's subscriptions to it. Only then can
			// the ACK promise that every later message reaches them. The member entry
			// and the newest id are then read together.
			return this.joins.submit(() -> this.interest.ready(request.sessionId(), room).thenCompose((ready) -> {
				CompletableFuture<PresenceSnapshot> members = this.presence
					.join(room, new PresenceSession(request.sessionId(), identity.userId(), identity.name()),
							this.presenceProperties.listLimit())
					.toCompletableFuture();
				return recover(room, sinceId).thenCombine(members, (slice, joined) -> {
					this.replies.ack(request.sessionId(),
							new Acks.Join(requestId, room.value(), joined.members(), joined.memberCount(),
									(slice.lastId() != null) ? slice.lastId().toString() : null, slice.messages(),
									(sinceId == null) || slice.complete(), slice.more()));
					return null;
				});
			}));
		});
	}

	/** The messages a join's {@code recovered} could not hold, a page at a time. */
	@MessageMapping(RoomDestinations.HISTORY_REQUEST)
	void history(@DestinationVariable String roomId, Message<byte[]> message) {
		handle(message, RoomRequest.HISTORY, (request, body) -> {
			RoomId room = RoomId.of(roomId);
			String since = JsonFields.text(body, "since", 64);
			if (since == null) {
				throw ErrorCode.BAD_REQUEST
					.exception("'since' is required; \"0-0\" reads from the oldest kept message");
			}
			MessageId sinceId = MessageId.parse(since);
			int limit = pageLimit(body);
			request.identity().checkRoom(room);
			String requestId = ClientRequest.requestId(body);
			return this.history.after(room, sinceId, limit, RecoveryProperties.MAX_REPLY_BYTES)
				.thenAccept((slice) -> this.replies.ack(request.sessionId(),
						new Acks.History(requestId, room.value(), slice.messages(), slice.more(), slice.complete())));
		});
	}

	@MessageMapping("/rooms/{roomId}/messages")
	void send(@DestinationVariable String roomId, Message<byte[]> message) {
		handle(message, RoomRequest.SEND, (request, body) -> {
			RoomId room = RoomId.of(roomId);
			MessageRequest fields = MessageRequest.from(body);
			ClientIdentity identity = request.identity();
			identity.checkRoom(room);
			if (!this.presence.joined(room, request.sessionId())) {
				throw ErrorCode.NOT_JOINED.exception("Join room " + room.value() + " before sending to it");
			}
			String requestId = ClientRequest.requestId(body);
			return this.relay.publish(fields.draft(room, new Sender(identity.userId(), identity.name())))
				.thenAccept((publication) -> {
					if (requestId != null) {
						this.replies.ack(request.sessionId(), new Acks.Send(requestId, publication.id().toString()));
					}
				});
		});
	}

	@MessageMapping("/rooms/{roomId}/leave")
	void leave(@DestinationVariable String roomId, Message<byte[]> message) {
		handle(message, RoomRequest.LEAVE, (request, body) -> {
			RoomId room = RoomId.of(roomId);
			String requestId = ClientRequest.requestId(body);
			return this.presence.leave(room, request.sessionId()).thenAccept((left) -> {
				if (requestId != null) {
					this.replies.ack(request.sessionId(), new Acks.Leave(requestId, room.value()));
				}
			});
		});
	}

	@MessageMapping("/rooms/{roomId}/commands/{name}")
	void command(@DestinationVariable String roomId, @DestinationVariable String name, Message<byte[]> message) {
		handle(message, RoomRequest.COMMAND, (request, body) -> {
			RoomId room = RoomId.of(roomId);
			if (!COMMAND_NAME.matcher(name).matches()) {
				throw ErrorCode.BAD_REQUEST.exception("Command name must match ^[A-Za-z0-9_.-]{1,64}$");
			}
			request.identity().checkRoom(room);
			String requestId = ClientRequest.requestId(body);
			ClientCommand command = new ClientCommand(name, room.value(), request.identity().userId(),
					new String(request.payload(), StandardCharsets.UTF_8), this.clock.millis());
			return this.commands.append(command).thenAccept((stored) -> {
				if (requestId != null) {
					this.replies.ack(request.sessionId(), new Acks.Command(requestId, name));
				}
			});
		});
	}

	@MessageMapping("/**")
	void unknown(Message<byte[]> message) {
		handle(message, RoomRequest.SEND, (request, body) -> {
			throw ErrorCode.BAD_REQUEST.exception("Unknown destination " + request.destination());
		});
	}

	@SubscribeMapping("/rooms/{roomId}/presence")
	CompletableFuture<PresenceSnapshot> presence(@DestinationVariable String roomId) {
		RoomId room = RoomId.of(roomId);
		return this.presence.members(room, null, this.presenceProperties.listLimit())
			.thenApply(MemberPage::snapshot)
			.toCompletableFuture();
	}

	private CompletionStage<HistorySlice> recover(RoomId room, @Nullable MessageId since) {
		return (since != null)
				? this.history.after(room, since, this.recovery.recoveryLimit(), RecoveryProperties.MAX_REPLY_BYTES)
				: this.history.latest(room);
	}

	/**
	 * A history request's {@code limit}: at least 1, at most (and by default) the
	 * recovery limit.
	 */
	private int pageLimit(ObjectNode body) {
		int most = this.recovery.recoveryLimit();
		JsonNode value = body.get("limit");
		if (value == null || value.isNull()) {
			return most;
		}
		if (!value.isIntegralNumber() || value.bigIntegerValue().signum() <= 0) {
			throw ErrorCode.BAD_REQUEST.exception("'limit' must be a whole number of at least 1");
		}
		return value.canConvertToInt() ? Math.min(value.intValue(), most) : most;
	}

	/**
	 * Runs a request and reports its failure, synchronous or not, to the sending session
	 * alone, with the {@code requestId} when the body was readable enough to have one.
	 */
	private void handle(Message<byte[]> message, RoomRequest kind, Handler handler) {
		ClientRequest request = ClientRequest.of(message);
		String requestId = null;
		CompletionStage<Void> outcome;
		try {
			ObjectNode body = request.body(this.json);
			requestId = requestIdLeniently(body);
			outcome = handler.handle(request, body);
		}
		catch (RuntimeException ex) {
			outcome = CompletableFuture.failedFuture(ex);
		}
		String reportedId = requestId;
		CompletionStage<Void> answered = outcome.whenComplete((done, failure) -> {
			if (failure != null) {
				this.replies.failed(request.sessionId(), StompboxException.from(failure), reportedId, kind.ackType(),
						request.destination());
			}
		});
		// The RECEIPT, if asked for, follows the answer.
		RequestOutcome.handedOut(message, answered);
	}

	private static @Nullable String requestIdLeniently(ObjectNode body) {
		try {
			return ClientRequest.requestId(body);
		}
		catch (StompboxException ex) {
			return null;
		}
	}

	@FunctionalInterface
	private interface Handler {

		CompletionStage<Void> handle(ClientRequest request, ObjectNode body);

	}

}
