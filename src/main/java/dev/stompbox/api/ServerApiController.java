package dev.stompbox.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.history.HistoryProperties;
import dev.stompbox.history.RoomHistory;
import dev.stompbox.presence.MemberPage;
import dev.stompbox.presence.Presence;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.Envelope;
import dev.stompbox.room.JsonFields;
import dev.stompbox.room.MessageId;
import dev.stompbox.room.MessageRequest;
import dev.stompbox.room.RoomId;
import dev.stompbox.room.Sender;
import dev.stompbox.user.UserEvent;
import dev.stompbox.user.UserEvents;

/**
 * The server API for backends (PROTOCOL.md section 7.1). Needs scope
 * {@code stompbox:publish}.
 */
@RestController
@RequestMapping("/api")
class ServerApiController {

	private static final int MAX_USER_ID_LENGTH = 128;

	/**
	 * The most members one presence page holds, and how many it holds unless asked for
	 * fewer.
	 */
	static final int MAX_PRESENCE_PAGE = 1000;

	private final RoomRelay relay;

	private final UserEvents userEvents;

	private final Presence presence;

	private final RoomHistory history;

	private final HistoryProperties historyProperties;

	private final JsonMapper json;

	private final Clock clock;

	ServerApiController(RoomRelay relay, UserEvents userEvents, Presence presence, RoomHistory history,
			HistoryProperties historyProperties, JsonMapper jsonMapper, Clock clock) {
		this.relay = relay;
		this.userEvents = userEvents;
		this.presence = presence;
		this.history = history;
		this.historyProperties = historyProperties;
		this.json = jsonMapper;
		this.clock = clock;
	}

	@PostMapping("/rooms/{roomId}/messages")
	CompletableFuture<ResponseEntity<Map<String, String>>> publish(@PathVariable String roomId,
			@RequestBody(required = false) byte @Nullable [] body) {
		RoomId room = RoomId.of(roomId);
		ObjectNode request = JsonFields.object(this.json, (body != null) ? body : new byte[0]);
		MessageRequest message = MessageRequest.from(request);
		return this.relay.publish(message.draft(room, Sender.SERVER))
			.thenApply((publication) -> ResponseEntity.status(HttpStatus.ACCEPTED)
				.body(Map.of("id", publication.id().toString())))
			.toCompletableFuture();
	}

	@PostMapping("/users/{userId}/events")
	CompletableFuture<ResponseEntity<Map<String, Object>>> sendToUser(@PathVariable String userId,
			@RequestBody(required = false) byte @Nullable [] body) {
		if (userId.isBlank() || userId.length() > MAX_USER_ID_LENGTH) {
			throw ErrorCode.BAD_REQUEST.exception("User id must be 1 to 128 characters");
		}
		ObjectNode request = JsonFields.object(this.json, (body != null) ? body : new byte[0]);
		String type = JsonFields.text(request, "type", 64);
		if (type == null) {
			throw ErrorCode.BAD_REQUEST.exception("'type' is required");
		}
		JsonNode eventBody = request.has("body") ? request.get("body") : NullNode.getInstance();
		return this.userEvents.send(userId, new UserEvent(type, eventBody, this.clock.millis()))
			.thenApply((sent) -> ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.<String, Object>of()))
			.toCompletableFuture();
	}

	/**
	 * One page of the room's members by user id; {@code next} is the {@code after} of the
	 * next page.
	 */
	@GetMapping("/rooms/{roomId}/presence")
	CompletableFuture<MemberPage> presence(@PathVariable String roomId,
			@RequestParam(required = false) @Nullable String after,
			@RequestParam(required = false) @Nullable Integer limit) {
		RoomId room = RoomId.of(roomId);
		if (after != null && after.length() > MAX_USER_ID_LENGTH) {
			throw ErrorCode.BAD_REQUEST.exception("'after' must be a user id of at most 128 characters");
		}
		if (limit != null && limit < 1) {
			throw ErrorCode.BAD_REQUEST.exception("limit must be at least 1");
		}
		int pageSize = (limit != null) ? Math.min(limit, MAX_PRESENCE_PAGE) : MAX_PRESENCE_PAGE;
		return this.presence.members(room, (after != null && !after.isEmpty()) ? after : null, pageSize)
			.toCompletableFuture();
	}

	@GetMapping("/rooms/{roomId}/messages")
	CompletableFuture<HistoryPage> messages(@PathVariable String roomId,
			@RequestParam(required = false) @Nullable String since,
			@RequestParam(required = false) @Nullable Integer limit) {
		RoomId room = RoomId.of(roomId);
		MessageId after = (since != null && !since.isBlank()) ? MessageId.parse(since) : MessageId.ZERO;
		if (limit != null && limit < 1) {
			throw ErrorCode.BAD_REQUEST.exception("limit must be at least 1");
		}
		// A backend cannot know the operator's retention, so a larger limit means "all
		// kept".
		int max = this.historyProperties.size();
		return this.history.after(room, after, (limit != null) ? Math.min(limit, max) : max)
			.thenApply((slice) -> new HistoryPage(slice.messages(), slice.complete()))
			.toCompletableFuture();
	}

	record HistoryPage(java.util.List<Envelope> messages, boolean complete) {
	}

}
