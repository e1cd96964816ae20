package dev.stompbox.relay;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeTypeUtils;

/**
 * Hands encoded JSON to this instance's broker, which writes it to every local subscriber
 * of the destination. The bytes are encoded once per message, not once per subscriber.
 */
@Component
public class LocalDelivery {

	private final SimpMessagingTemplate broker;

	LocalDelivery(@Lazy SimpMessagingTemplate brokerMessagingTemplate) {
		this.broker = brokerMessagingTemplate;
	}

	public void deliver(String destination, byte[] json) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setDestination(destination);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		headers.setLeaveMutable(true);
		Message<byte[]> message = MessageBuilder.createMessage(json, headers.getMessageHeaders());
		this.broker.send(destination, message);
	}

}
