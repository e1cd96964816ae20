package dev.stompbox.connection;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.user.UserDestinationResolver;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

/**
 * What {@code @EnableWebSocketMessageBroker} sets up, with each session's send buffer a
 * {@link SendBuffer}, known to {@link SendBuffers} while the session is open; and with the
 * broker's subscriptions indexed by exact destination ({@link DestinationSubscriptions}).
 */
@Configuration
class MessageBrokerConfiguration extends DelegatingWebSocketMessageBrokerConfiguration {

	private final SendBuffers sendBuffers;

	private final DestinationSubscriptions subscriptions;

	MessageBrokerConfiguration(SendBuffers sendBuffers, DestinationSubscriptions subscriptions) {
		this.sendBuffers = sendBuffers;
		this.subscriptions = subscriptions;
	}

	@Override
	@Bean
	public @Nullable AbstractBrokerMessageHandler simpleBrokerMessageHandler(
			AbstractSubscribableChannel clientInboundChannel, AbstractSubscribableChannel clientOutboundChannel,
			AbstractSubscribableChannel brokerChannel, UserDestinationResolver userDestinationResolver) {
		AbstractBrokerMessageHandler handler = super.simpleBrokerMessageHandler(clientInboundChannel,
				clientOutboundChannel, brokerChannel, userDestinationResolver);
		if (handler instanceof SimpleBrokerMessageHandler broker) {
			broker.setSubscriptionRegistry(this.subscriptions);
		}
		return handler;
	}

	@Override
	@Bean
	public WebSocketHandler subProtocolWebSocketHandler(AbstractSubscribableChannel clientInboundChannel,
			AbstractSubscribableChannel clientOutboundChannel) {
		SendBufferHandler handler = new SendBufferHandler(clientInboundChannel, clientOutboundChannel,
				this.sendBuffers);
		handler.setPhase(getPhase());
		return handler;
	}

	private static final class SendBufferHandler extends SubProtocolWebSocketHandler {

		private final SendBuffers sendBuffers;

		SendBufferHandler(MessageChannel clientInboundChannel, SubscribableChannel clientOutboundChannel,
				SendBuffers sendBuffers) {
			super(clientInboundChannel, clientOutboundChannel);
			this.sendBuffers = sendBuffers;
		}

		@Override
		protected WebSocketSession decorateSession(WebSocketSession session) {
			return this.sendBuffers.opened(session);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
			try {
				super.afterConnectionClosed(session, closeStatus);
			}
			finally {
				this.sendBuffers.closed(session.getId());
			}
		}

	}

}
