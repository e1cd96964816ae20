package dev.stompbox.connection;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import org.springframework.web.socket.sockjs.transport.TransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.WebSocketTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrPollingTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrReceivingTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrStreamingTransportHandler;

import dev.stompbox.connection.delivery.Receipts;
import dev.stompbox.connection.delivery.SendBuffers;
import dev.stompbox.connection.jetty.SharedConfiguratorUpgradeStrategy;
import dev.stompbox.connection.limit.ConnectionCapInterceptor;
import dev.stompbox.connection.limit.RateLimitInterceptor;
import dev.stompbox.connection.limit.SubscriptionLimitInterceptor;
import dev.stompbox.connection.limit.UserConnectionLimit;
import dev.stompbox.metrics.StompboxMetrics;
import dev.stompbox.security.ConnectAuthenticationInterceptor;
import dev.stompbox.security.MessageAuthorizationInterceptor;
import dev.stompbox.security.SockJsSessionOwnerFilter;
import dev.stompbox.security.TokenHandshakeInterceptor;
import dev.stompbox.session.SockJsTransportHandlers;
import dev.stompbox.session.StompEndpoints;

/**
 * The STOMP endpoints {@code /ws} and {@code /sockjs}, what guards them, and the order in
 * which inbound frames are checked: dropped when their session has ended, authenticated,
 * rate limited (before authorization, so a flood of forbidden frames is limited and paced
 * like any other), authorized, held to the per-user and per-session limits, then
 * receipted. A check that fails ends the connection with an ERROR frame
 * ({@link ErrorFrameOnFailure}).
 */
@Configuration(proxyBeanMethods = false)
class EndpointConfiguration implements WebSocketMessageBrokerConfigurer {

	private static final int SEND_BUFFER_LIMIT = SendBuffers.BUFFER_SIZE_LIMIT;

	private final ConnectionProperties properties;

	private final ConnectionRegistry registry;

	private final ConnectionCapInterceptor cap;

	private final TokenHandshakeInterceptor handshakeTokens;

	private final ConnectAuthenticationInterceptor connectAuthentication;

	private final MessageAuthorizationInterceptor authorization;

	private final RateLimitInterceptor rateLimit;

	private final UserConnectionLimit userConnections;

	private final SubscriptionLimitInterceptor subscriptionLimit;

	private final Receipts receipts;

	private final MessageChannel clientOutbound;

	private final StompboxMetrics metrics;

	private final ConnectTimeout connectTimeout;

	private final SockJsTransportHandlers sockJsTransports;

	EndpointConfiguration(ConnectionProperties properties, ConnectionRegistry registry, ConnectionCapInterceptor cap,
			TokenHandshakeInterceptor handshakeTokens, ConnectAuthenticationInterceptor connectAuthentication,
			MessageAuthorizationInterceptor authorization, RateLimitInterceptor rateLimit,
			UserConnectionLimit userConnections, SubscriptionLimitInterceptor subscriptionLimit, Receipts receipts,
			@Lazy @Qualifier("clientOutboundChannel") MessageChannel clientOutbound, StompboxMetrics metrics,
			ConnectTimeout connectTimeout, ObjectProvider<SockJsTransportHandlers> sockJsTransports) {
		this.properties = properties;
		this.registry = registry;
		this.cap = cap;
		this.handshakeTokens = handshakeTokens;
		this.connectAuthentication = connectAuthentication;
		this.authorization = authorization;
		this.rateLimit = rateLimit;
		this.userConnections = userConnections;
		this.subscriptionLimit = subscriptionLimit;
		this.receipts = receipts;
		this.clientOutbound = clientOutbound;
		this.metrics = metrics;
		this.connectTimeout = connectTimeout;
		this.sockJsTransports = sockJsTransports.getIfAvailable(() -> EndpointConfiguration::sockJsTransports);
	}

	/**
	 * Static, so that the filter, which the servlet container asks for before the rest of
	 * the context exists, does not make this configuration and all it guards the
	 * endpoints with early. The handlers are looked up at the first handshake.
	 */
	@Bean
	static FilterRegistrationBean<WebSocketHandshakeFilter> webSocketHandshakeFilter(
			@Qualifier("stompWebSocketHandlerMapping") ObjectProvider<HandlerMapping> mappings,
			ObjectProvider<SockJsSessionOwnerFilter> sockJsSessionOwner, StompboxMetrics metrics) {
		Supplier<HttpRequestHandler> webSocket = SingletonSupplier
			.of(() -> endpointHandler(mappings.getObject(), StompEndpoints.WEBSOCKET));
		Supplier<HttpRequestHandler> sockJs = SingletonSupplier
			.of(() -> endpointHandler(mappings.getObject(), StompEndpoints.SOCKJS + "/**"));
		FilterRegistrationBean<WebSocketHandshakeFilter> registration = new FilterRegistrationBean<>(
				new WebSocketHandshakeFilter(webSocket, sockJs, SingletonSupplier.of(sockJsSessionOwner::getObject),
						metrics));
		registration.addUrlPatterns(StompEndpoints.WEBSOCKET, StompEndpoints.SOCKJS + "/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	private static HttpRequestHandler endpointHandler(HandlerMapping mapping, String pattern) {
		if (mapping instanceof AbstractUrlHandlerMapping urls
				&& urls.getHandlerMap().get(pattern) instanceof HttpRequestHandler handler) {
			return handler;
		}
		throw new IllegalStateException("No handler for " + pattern + " in " + mapping);
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry endpoints) {
		String[] origins = this.properties.originPatterns();
		DefaultHandshakeHandler handshake = partialMessageHandshake();
		OriginHandshakeInterceptor originFirst = originCheck(origins);
		endpoints.addEndpoint(StompEndpoints.WEBSOCKET)
			.setHandshakeHandler(handshake)
			.setAllowedOriginPatterns(origins)
			.addInterceptors(originFirst, this.cap, this.handshakeTokens);
		endpoints.addEndpoint(StompEndpoints.SOCKJS)
			.setHandshakeHandler(handshake)
			.setAllowedOriginPatterns(origins)
			.addInterceptors(originFirst, this.cap, this.handshakeTokens)
			.withSockJS()
			.setTransportHandlerOverrides()
			.setTransportHandlers(this.sockJsTransports.create(handshake))
			.setStreamBytesLimit(SEND_BUFFER_LIMIT);
		endpoints.setErrorHandler(new StompErrorFrames());
		endpoints.setPreserveReceiveOrder(true);
		// Ahead of the @RequestMapping handlers (order 0): every handshake was first
		// matched against them in vain, as no controller maps these paths.
		endpoints.setOrder(-1);
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration transport) {
		// The send limits are SendBuffers', which makes each session's buffer.
		transport.setMessageSizeLimit(this.properties.maxFrameBytes())
			.addDecoratorFactory((handler) -> new ConnectionGuard(handler, this.registry, this.properties, this.metrics,
					this.connectTimeout));
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		// The one place of the inbound order. Counted first, so every frame counts; then
		// the frames of ended sessions dropped; the receipts of refused frames before
		// every check, to hear of each SEND a check refuses, whose RECEIPT follows the
		// refusal.
		registration.interceptors(new InboundCounts(this.metrics), new EndedSessions(this.registry),
				this.receipts.ofRefusedFrames(), errorFrameOnFailure(this.connectAuthentication),
				errorFrameOnFailure(this.rateLimit), errorFrameOnFailure(this.authorization),
				errorFrameOnFailure(this.userConnections), errorFrameOnFailure(this.subscriptionLimit), this.receipts);
	}

	/**
	 * The origin check, first (PROTOCOL.md section 2): a page of a foreign origin learns
	 * 403 and nothing else, not whether its token was good (401) or the instance full
	 * (503). Spring appends its own origin check after the interceptors given here; that
	 * one then passes whatever this one let through.
	 */
	private static OriginHandshakeInterceptor originCheck(String[] origins) {
		OriginHandshakeInterceptor check = new OriginHandshakeInterceptor();
		check.setAllowedOriginPatterns(List.of(origins));
		return check;
	}

	/**
	 * Upgrades through the Jakarta WebSocket API even on Jetty, where Spring would pick
	 * Jetty's own API: through that, Spring takes only whole messages, so Jetty would
	 * gather an oversized frame up to its own limit and end it with a bare 1009, where
	 * {@link ConnectionGuard} takes it in parts and answers with the too-large ERROR
	 * frame.
	 */
	private static DefaultHandshakeHandler partialMessageHandshake() {
		return new DefaultHandshakeHandler(new SharedConfiguratorUpgradeStrategy());
	}

	/**
	 * The SockJS transports of PROTOCOL.md section 1, websocket, xhr-streaming and
	 * xhr-polling (with xhr_send, which both send through), and no others: Spring's
	 * defaults add eventsource and htmlfile, more ways in to guard for clients that need
	 * none of them. In cluster mode the SockJS relay makes the same ones, with the HTTP
	 * transports' sessions recorded in Redis.
	 */
	private static TransportHandler[] sockJsTransports(HandshakeHandler handshake) {
		return new TransportHandler[] { new WebSocketTransportHandler(handshake), new XhrStreamingTransportHandler(),
				new XhrPollingTransportHandler(), new XhrReceivingTransportHandler() };
	}

	private ChannelInterceptor errorFrameOnFailure(ChannelInterceptor check) {
		return new ErrorFrameOnFailure(check, this.clientOutbound, this.metrics);
	}

	/**
	 * The container's limits: a message limit above the frame limit (see
	 * {@link ConnectionProperties#containerMessageLimit()}), and no idle timeout, since
	 * STOMP heart-beats, which the client chooses, decide when a silent connection is
	 * dead. Jetty allocates a session's buffers as messages arrive and returns them to
	 * its pool, so a large limit costs an idle connection nothing.
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(this.properties.containerMessageLimit());
		container.setMaxBinaryMessageBufferSize(this.properties.containerMessageLimit());
		container.setMaxSessionIdleTimeout(0L);
		return container;
	}

}
