package dev.stompbox.connection;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.security.ConnectAuthenticationInterceptor;
import dev.stompbox.security.MessageAuthorizationInterceptor;
import dev.stompbox.security.TokenHandshakeInterceptor;

/**
 * The STOMP endpoints {@code /ws} and {@code /sockjs}, what guards them, and the order in
 * which inbound frames are checked: authenticated, authorized, rate limited, then receipted.
 * A check that fails ends the connection with an ERROR frame ({@link ErrorFrameOnFailure}).
 */
@Configuration(proxyBeanMethods = false)
class EndpointConfiguration implements WebSocketMessageBrokerConfigurer {

	static final String WEBSOCKET_PATH = "/ws";

	static final String SOCKJS_PATH = "/sockjs";

	private static final int SEND_BUFFER_LIMIT = 512 * 1024;


	private static final int SEND_TIME_LIMIT_MS = 10_000;

	private final ConnectionProperties properties;

	private final ConnectionRegistry registry;

	private final ConnectionCapInterceptor cap;

	private final TokenHandshakeInterceptor handshakeTokens;

	private final ConnectAuthenticationInterceptor connectAuthentication;

	private final MessageAuthorizationInterceptor authorization;

	private final RateLimitInterceptor rateLimit;

	private final Receipts receipts;

	private final MessageChannel clientOutbound;

	private final StompboxMetrics metrics;

	EndpointConfiguration(ConnectionProperties properties, ConnectionRegistry registry, ConnectionCapInterceptor cap,
			TokenHandshakeInterceptor handshakeTokens, ConnectAuthenticationInterceptor connectAuthentication,
			MessageAuthorizationInterceptor authorization, RateLimitInterceptor rateLimit, Receipts receipts,
			@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutbound, StompboxMetrics metrics) {
		this.properties = properties;
		this.registry = registry;
		this.cap = cap;
		this.handshakeTokens = handshakeTokens;
		this.connectAuthentication = connectAuthentication;
		this.authorization = authorization;
		this.rateLimit = rateLimit;
		this.receipts = receipts;
		this.clientOutbound = clientOutbound;
		this.metrics = metrics;
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry endpoints) {
		String[] origins = this.properties.originPatterns();
		endpoints.addEndpoint(WEBSOCKET_PATH).setAllowedOriginPatterns(origins).addInterceptors(this.cap,
				this.handshakeTokens);
		endpoints.addEndpoint(SOCKJS_PATH)
			.setHandshakeHandler(new WholeMessageHandshakeHandler(wholeMessageBufferSize()))
			.setAllowedOriginPatterns(origins)
			.addInterceptors(this.cap, this.handshakeTokens)
			.withSockJS()
			.setStreamBytesLimit(SEND_BUFFER_LIMIT);
		endpoints.setErrorHandler(new StompErrorFrames());
		endpoints.setPreserveReceiveOrder(true);
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration transport) {
		transport.setMessageSizeLimit(this.properties.maxFrameBytes())
			.setSendBufferSizeLimit(SEND_BUFFER_LIMIT)
			.setSendTimeLimit(SEND_TIME_LIMIT_MS)
			.addDecoratorFactory((handler) -> new ConnectionGuard(handler, this.registry, this.properties,
					this.metrics));
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.interceptors(errorFrameOnFailure(this.connectAuthentication),
				errorFrameOnFailure(this.authorization), errorFrameOnFailure(this.rateLimit), this.receipts);
	}

	private ChannelInterceptor errorFrameOnFailure(ChannelInterceptor check) {
		return new ErrorFrameOnFailure(check, this.clientOutbound);
	}

	/**
	 * The container's buffers for incoming messages, allocated for every session when it
	 * opens: small, since {@code /ws} takes messages in parts and checks the frame limit
	 * itself. SockJS sessions get {@link #wholeMessageBufferSize()} instead.
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(TomcatConnections.PARTIAL_MESSAGE_BUFFER_SIZE);
		container.setMaxBinaryMessageBufferSize(TomcatConnections.PARTIAL_MESSAGE_BUFFER_SIZE);
		return container;
	}

	/** SockJS takes whole messages: the largest frame, SockJS-encoded (JSON-escaped). */
	private int wholeMessageBufferSize() {
		return 2 * this.properties.maxFrameBytes();
	}

}
