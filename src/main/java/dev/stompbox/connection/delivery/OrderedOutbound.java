package dev.stompbox.connection.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.stereotype.Component;

/**
 * Each connected session's ordered outbound channel, the one through which the broker
 * hands it ACKs and errors: Spring queues what is sent through it per session and
 * releases each message once the one before is in the session's send buffer. A frame sent
 * here is therefore written after everything the broker handed the session before, which
 * is what makes a RECEIPT come after its request's outcome (PROTOCOL.md section 4.3).
 * Sent before CONNECT or after the session's end, a frame goes to the plain outbound
 * channel.
 */
@Component
class OrderedOutbound {

	private final Map<String, MessageChannel> sessions = new ConcurrentHashMap<>();

	private final MessageChannel clientOutbound;

	OrderedOutbound(@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutbound) {
		this.clientOutbound = clientOutbound;
	}

	void connected(String sessionId, MessageChannel ordered) {
		this.sessions.put(sessionId, ordered);
	}

	void disconnected(String sessionId) {
		this.sessions.remove(sessionId);
	}

	/**
	 * Sends a message to the session behind what the broker handed it before. The
	 * message's headers must be left mutable: Spring's ordered channel adds its own.
	 */
	void send(String sessionId, Message<?> message) {
		this.sessions.getOrDefault(sessionId, this.clientOutbound).send(message);
	}

}
