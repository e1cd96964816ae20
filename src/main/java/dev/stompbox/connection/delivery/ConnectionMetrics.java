package dev.stompbox.connection.delivery;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.metrics.InboundKind;
import dev.stompbox.metrics.OutboundKind;
import dev.stompbox.metrics.StompboxMetrics;

/**
 * What the connection feature reports to metrics beyond opens, closes and errors: frames
 * out by kind, counted on the client outbound channel, and the gauges of open connections
 * and send buffers. Frames in are counted by {@code InboundCounts}, first of the inbound
 * checks ({@code EndpointConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConnectionMetrics implements WebSocketMessageBrokerConfigurer {

	private final StompboxMetrics metrics;

	ConnectionMetrics(StompboxMetrics metrics, ConnectionRegistry registry, SendBuffers sendBuffers) {
		this.metrics = metrics;
		metrics.openConnections(registry, ConnectionRegistry::count);
		metrics.outboundBuffers(sendBuffers, SendBuffers::totalBytes, SendBuffers::largestBytes);
	}

	@Override
	public void configureClientOutboundChannel(ChannelRegistration registration) {
		registration.interceptors(new ChannelInterceptor() {

			@Override
			public Message<?> preSend(Message<?> message, MessageChannel channel) {
				OutboundKind kind = FrameKinds.outbound(message.getHeaders());
				if (kind != null) {
					ConnectionMetrics.this.metrics.outbound(kind);
				}
				return message;
			}

		});
	}

}
