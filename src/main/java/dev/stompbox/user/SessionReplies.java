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
import dev.stompbox.metrics.StompboxMetrics;

/** Sends ACKs, errors and system notices to one session, on this instance. */
@Component
public class SessionReplies {

	private final SimpMessagingTemplate broker;

	private final JsonMapper json;

	private final StompboxMetrics metrics;

	SessionReplies(@Lazy SimpMessagingTemplate brokerMessagingTemplate, JsonMapper jsonMapper,
			StompboxMetrics metrics) {
		this.broker = brokerMessagingTemplate;
		this.json = jsonMapper;
		this.metrics = metrics;
	}

	public void ack(String sessionId, Object ack) {
		send(sessionId, UserQueue.ACKS, ack);
	}

	public void system(String sessionId, SystemNotice notice) {
		send(sessionId, UserQueue.SYSTEM, notice);
	}

	/**
	 * Reports a failed request: a failure ACK when it carried a {@code requestId}, and
	 * always an entry on {@code /user/queue/errors}.
	 */
	public void failed(String sessionId, StompboxException failure, @Nullable String requestId, String ackType,
			@Nullable String destination) {
		this.metrics.error(failure.code());
		String code = failure.code().code();
		if (requestId != null) {
			ack(sessionId, new FailureAck(requestId, ackType, code, failure.getMessage()));
		}
		send(sessionId, UserQueue.ERRORS, new ErrorReport(code, failure.getMessage(), requestId, destination));
	}

	void send(String sessionId, UserQueue queue, Object payload) {
		sendJson(sessionId, queue, this.json.writeValueAsBytes(payload));
	}

	/**
	 * Writes encoded JSON to one session's queue. Addressed by session id, so Spring
	 * resolves it to that session alone; each session gets its own message, as Spring's
	 * ordered delivery needs (it makes the headers of a message it sent immutable).
	 */
	void sendJson(String sessionId, UserQueue queue, byte[] json) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setSessionId(sessionId);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		headers.setLeaveMutable(true);
		this.broker.send(queue.addressedTo(sessionId), MessageBuilder.createMessage(json, headers.getMessageHeaders()));
	}

}
