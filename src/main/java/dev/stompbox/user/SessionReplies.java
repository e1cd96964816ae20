package dev.stompbox.user;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.error.StompboxException;

/** Sends ACKs, errors and system notices to one session, on this instance. */
@Component
public class SessionReplies {

	private final SimpMessagingTemplate broker;

	private final JsonMapper json;

	SessionReplies(@Lazy SimpMessagingTemplate brokerMessagingTemplate, JsonMapper jsonMapper) {
		this.broker = brokerMessagingTemplate;
		this.json = jsonMapper;
	}

	public void ack(String sessionId, Object ack) {
		send(sessionId, UserQueue.ACKS, ack);
	}

	public void system(String sessionId, SystemNotice notice) {
		send(sessionId, UserQueue.SYSTEM, notice);
	}

	/**
	 * Reports a failed request: a failure ACK when it carried a {@code requestId}, and always
	 * an entry on {@code /user/queue/errors}.
	 */
	public void failed(String sessionId, StompboxException failure, @Nullable String requestId, String ackType,
			@Nullable String destination) {
		String code = failure.code().code();
		if (requestId != null) {
			ack(sessionId, new FailureAck(requestId, ackType, code, failure.getMessage()));
		}
		send(sessionId, UserQueue.ERRORS, new ErrorReport(code, failure.getMessage(), requestId, destination));
	}

	void send(String sessionId, UserQueue queue, Object payload) {
		// Addressed by session id, so Spring resolves it to this session's queue only.
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setSessionId(sessionId);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		headers.setLeaveMutable(true);
		String destination = queue.addressedTo(sessionId);
		this.broker.send(destination,
				MessageBuilder.createMessage(this.json.writeValueAsBytes(payload), headers.getMessageHeaders()));
	}

}
