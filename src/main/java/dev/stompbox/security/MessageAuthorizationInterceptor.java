package dev.stompbox.security;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.core.Authentication;
import org.springframework.security.messaging.access.intercept.MessageAuthorizationContext;
import org.springframework.security.messaging.access.intercept.MessageMatcherDelegatingAuthorizationManager;
import org.springframework.stereotype.Component;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;
import dev.stompbox.room.RoomId;
import dev.stompbox.user.SessionReplies;

/**
 * Spring Security's message authorization, wired without {@code @EnableWebSocketSecurity}
 * (whose CSRF check on CONNECT token clients cannot pass). A client may SEND only to
 * {@code /app/**} and may SUBSCRIBE only to its own queues, to rooms its token allows,
 * and to {@code /app/instance} (which instance holds the connection). A refused SUBSCRIBE
 * is answered with an error and the connection stays; a SEND outside {@code /app} is a
 * protocol failure that closes it.
 */
@Component
public class MessageAuthorizationInterceptor implements ChannelInterceptor {

	private static final String ROOM = "/rooms/{roomId}";

	private final AuthorizationManager<Message<?>> rules;

	private final SessionReplies replies;

	MessageAuthorizationInterceptor(SessionReplies replies) {
		this.replies = replies;
		this.rules = MessageMatcherDelegatingAuthorizationManager.builder()
			.simpTypeMatchers(SimpMessageType.CONNECT, SimpMessageType.HEARTBEAT, SimpMessageType.UNSUBSCRIBE,
					SimpMessageType.DISCONNECT)
			.permitAll()
			.simpSubscribeDestMatchers("/user/queue/**")
			.authenticated()
			.simpSubscribeDestMatchers("/topic" + ROOM, "/topic" + ROOM + "/presence", "/app" + ROOM + "/presence")
			.access(MessageAuthorizationInterceptor::roomAllowed)
			.simpSubscribeDestMatchers("/app/instance")
			.authenticated()
			.simpMessageDestMatchers("/app/**")
			.authenticated()
			.anyMessage()
			.denyAll()
			.build();
	}

	@Override
	public Message<?> preSend(Message<?> message, MessageChannel channel) {
		// Read in place: wrapping would copy every frame's headers to read four of them.
		MessageHeaders headers = message.getHeaders();
		SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(headers);
		Authentication user = (SimpMessageHeaderAccessor.getUser(headers) instanceof Authentication authentication)
				? authentication : null;
		// A DISCONNECT may come without a user: Spring sends one itself when a connection
		// that never authenticated closes, and refusing it would only log a stack trace.
		if (user == null && type != SimpMessageType.CONNECT && type != SimpMessageType.HEARTBEAT
				&& type != SimpMessageType.DISCONNECT) {
			throw ErrorCode.UNAUTHORIZED.exception("CONNECT first");
		}
		String destination = SimpMessageHeaderAccessor.getDestination(headers);
		if (type == SimpMessageType.MESSAGE && isBareAppPrefix(destination)) {
			// The /app prefix is known but names nothing; no handler would answer it.
			this.replies.failed(SimpMessageHeaderAccessor.getSessionId(headers),
					ErrorCode.BAD_REQUEST.exception("Unknown destination " + destination), null, "send", destination);
			return null;
		}
		AuthorizationResult result = this.rules.authorize(() -> user, message);
		if (result != null && result.isGranted()) {
			return message;
		}
		if (type == SimpMessageType.SUBSCRIBE) {
			this.replies.failed(SimpMessageHeaderAccessor.getSessionId(headers), refusal(destination), null,
					"subscribe", destination);
			return null;
		}
		throw ErrorCode.BAD_REQUEST.exception("Clients may send only to /app/** destinations");
	}

	private static boolean isBareAppPrefix(String destination) {
		return "/app".equals(destination) || "/app/".equals(destination);
	}

	private static StompboxException refusal(String destination) {
		String roomId = roomIdIn(destination);
		if (roomId != null && !RoomId.isValid(roomId)) {
			return ErrorCode.BAD_REQUEST.exception("Room id must match ^[A-Za-z0-9_-]{1,64}$");
		}
		if (roomId != null) {
			return ErrorCode.FORBIDDEN.exception("The token does not allow room " + roomId);
		}
		return ErrorCode.FORBIDDEN.exception("Cannot subscribe to " + destination);
	}

	private static String roomIdIn(String destination) {
		if (destination == null) {
			return null;
		}
		int start = destination.indexOf("/rooms/");
		if (start < 0) {
			return null;
		}
		String rest = destination.substring(start + "/rooms/".length());
		int end = rest.indexOf('/');
		return (end < 0) ? rest : rest.substring(0, end);
	}

	private static AuthorizationDecision roomAllowed(
			java.util.function.Supplier<? extends Authentication> authentication,
			MessageAuthorizationContext<?> context) {
		String roomId = context.getVariables().get("roomId");
		if (!RoomId.isValid(roomId) || !(authentication.get() instanceof ClientAuthentication client)) {
			return new AuthorizationDecision(false);
		}
		return new AuthorizationDecision(client.identity().rooms().allows(RoomId.of(roomId)));
	}

}
