package dev.stompbox.connection.delivery;

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
import org.springframework.messaging.simp.broker.OrderedMessageChannelDecorator;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.user.UserDestinationResolver;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

import dev.stompbox.user.UserQueue;

/**
 * What {@code @EnableWebSocketMessageBroker} sets up, with each session's send buffer a
 * {@link SendBuffer}, known to {@link SendBuffers} while the session is open; and with
 * the broker's subscriptions indexed by exact destination
 * ({@link DestinationSubscriptions}) and each session's ordered outbound channel known to
 * {@link OrderedOutbound}.
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
	 * {@link SessionOrderedBroker}: Spring's registry builds it, so its settings are
	 * carried over to one of those.
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
	 * channel; this one tells {@link OrderedOutbound} which, so that RECEIPTs go out
	 * through it too, behind the ACKs and errors handed to the session before. What
	 * Spring's broker sends a session past that channel (its CONNECTED, a DISCONNECT's
	 * RECEIPT) goes through it as well: otherwise a RECEIPT could reach a client before
	 * its CONNECTED, or a DISCONNECT's RECEIPT before the errors of the frames sent ahead
	 * of it.
	 */
	private static final class SessionOrderedBroker extends SimpleBrokerMessageHandler {

		private final OrderedOutbound orderedOutbound;

		private final MessageChannel inSessionOrder = this::sendInSessionOrder;

		SessionOrderedBroker(SubscribableChannel clientInboundChannel, MessageChannel clientOutboundChannel,
				SubscribableChannel brokerChannel, Collection<String> destinationPrefixes,
				OrderedOutbound orderedOutbound) {
			super(clientInboundChannel, clientOutboundChannel, brokerChannel, destinationPrefixes);
			this.orderedOutbound = orderedOutbound;
		}

		/**
		 * Where the broker sends what is not a subscription's message: the session's own
		 * order.
		 */
		@Override
		public MessageChannel getClientOutboundChannel() {
			return this.inSessionOrder;
		}

		@Override
		protected MessageChannel getClientOutboundChannelForSession(String sessionId) {
			MessageChannel outbound = super.getClientOutboundChannel();
			MessageChannel ordered = isPreservePublishOrder()
					? new OrderedMessageChannelDecorator(outbound, this.logger) : outbound;
			this.orderedOutbound.connected(sessionId, ordered);
			return ordered;
		}

		private boolean sendInSessionOrder(Message<?> message, long timeout) {
			String sessionId = SimpMessageHeaderAccessor.getSessionId(message.getHeaders());
			if (sessionId == null) {
				return super.getClientOutboundChannel().send(message, timeout);
			}
			// Spring's ordered channel marks each message it queues, so its headers must
			// be mutable.
			SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.wrap(message);
			headers.setLeaveMutable(true);
			this.orderedOutbound.send(sessionId,
					MessageBuilder.createMessage(message.getPayload(), headers.getMessageHeaders()));
			return true;
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
