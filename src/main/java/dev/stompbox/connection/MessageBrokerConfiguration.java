package dev.stompbox.connection;

import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.user.UserDestinationResolver;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

import dev.stompbox.user.UserQueue;

/**
 * What {@code @EnableWebSocketMessageBroker} sets up, with each session's send buffer a
 * {@link SendBuffer}, known to {@link SendBuffers} while the session is open; and with the
 * broker's subscriptions indexed by exact destination ({@link DestinationSubscriptions}) and
 * each session's ordered outbound channel known to {@link OrderedOutbound}.
 */
@Configuration
class MessageBrokerConfiguration extends DelegatingWebSocketMessageBrokerConfiguration {

	private final SendBuffers sendBuffers;

	private final DestinationSubscriptions subscriptions;

	private final OrderedOutbound orderedOutbound;

	MessageBrokerConfiguration(SendBuffers sendBuffers, DestinationSubscriptions subscriptions,
			OrderedOutbound orderedOutbound) {
		this.sendBuffers = sendBuffers;
		this.subscriptions = subscriptions;
		this.orderedOutbound = orderedOutbound;
	}

	/**
	 * The simple broker as configured ({@link BrokerConfiguration}), made as a
	 * {@link SessionOrderedBroker}: Spring's registry builds it, so its settings are carried
	 * over to one of those.
	 */
	@Override
	@Bean
	public @Nullable AbstractBrokerMessageHandler simpleBrokerMessageHandler(
			AbstractSubscribableChannel clientInboundChannel, AbstractSubscribableChannel clientOutboundChannel,
			AbstractSubscribableChannel brokerChannel, UserDestinationResolver userDestinationResolver) {
		AbstractBrokerMessageHandler handler = super.simpleBrokerMessageHandler(clientInboundChannel,
				clientOutboundChannel, brokerChannel, userDestinationResolver);
		if (!(handler instanceof SimpleBrokerMessageHandler configured)) {
			return handler;
		}
		SessionOrderedBroker broker = new SessionOrderedBroker(clientInboundChannel, clientOutboundChannel,
				brokerChannel, configured.getDestinationPrefixes(), this.orderedOutbound);
		broker.setTaskScheduler(configured.getTaskScheduler());
		broker.setHeartbeatValue(configured.getHeartbeatValue());
		broker.setHeaderInitializer(configured.getHeaderInitializer());
		broker.setPreservePublishOrder(configured.isPreservePublishOrder());
		broker.setUserDestinationPredicate((destination) -> destination.startsWith(UserQueue.USER_PREFIX));
		broker.setAutoStartup(configured.isAutoStartup());
		broker.setPhase(configured.getPhase());
		broker.setSubscriptionRegistry(this.subscriptions);
		return broker;
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

	/**
	 * Spring's simple broker, which makes each connected session its own ordered outbound
	 * channel; this one tells {@link OrderedOutbound} which, so that RECEIPTs go out through it
	 * too, behind the ACKs and errors handed to the session before.
	 */
	private static final class SessionOrderedBroker extends SimpleBrokerMessageHandler {

		private final OrderedOutbound orderedOutbound;

		SessionOrderedBroker(SubscribableChannel clientInboundChannel, MessageChannel clientOutboundChannel,
				SubscribableChannel brokerChannel, Collection<String> destinationPrefixes,
				OrderedOutbound orderedOutbound) {
			super(clientInboundChannel, clientOutboundChannel, brokerChannel, destinationPrefixes);
			this.orderedOutbound = orderedOutbound;
		}

		@Override
		protected MessageChannel getClientOutboundChannelForSession(String sessionId) {
			MessageChannel ordered = super.getClientOutboundChannelForSession(sessionId);
			this.orderedOutbound.connected(sessionId, ordered);
			return ordered;
		}

		@Override
		protected void handleMessageInternal(Message<?> message) {
			super.handleMessageInternal(message);
			if (SimpMessageHeaderAccessor.getMessageType(message.getHeaders()) == SimpMessageType.DISCONNECT) {
				String sessionId = SimpMessageHeaderAccessor.getSessionId(message.getHeaders());
				if (sessionId != null) {
					this.orderedOutbound.disconnected(sessionId);
				}
			}
		}

	}

}
