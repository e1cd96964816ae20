package dev.stompbox.connection;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

/**
 * What {@code @EnableWebSocketMessageBroker} sets up, with each session's send buffer an
 * {@link OrderlyCloseSession} so that the ERROR frame before a close reaches the client.
 */
@Configuration
class MessageBrokerConfiguration extends DelegatingWebSocketMessageBrokerConfiguration {

	@Override
	@Bean
	public WebSocketHandler subProtocolWebSocketHandler(AbstractSubscribableChannel clientInboundChannel,
			AbstractSubscribableChannel clientOutboundChannel) {
		OrderlyCloseHandler handler = new OrderlyCloseHandler(clientInboundChannel, clientOutboundChannel);
		handler.setPhase(getPhase());
		return handler;
	}

	private static final class OrderlyCloseHandler extends SubProtocolWebSocketHandler {

		OrderlyCloseHandler(MessageChannel clientInboundChannel, SubscribableChannel clientOutboundChannel) {
			super(clientInboundChannel, clientOutboundChannel);
		}

		@Override
		protected WebSocketSession decorateSession(WebSocketSession session) {
			return new OrderlyCloseSession(session, getSendTimeLimit(), getSendBufferSizeLimit());
		}

	}

}
