package dev.stompbox.connection;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * How many connections Tomcat takes, and its buffers per connection. Tomcat accepts at most
 * 8192 connections unless told otherwise; past that a client's handshake waits unanswered
 * and times out, so it never hears the cap's 503 ({@code STOMPBOX_MAX_CONNECTIONS}, 10000
 * by default). Tomcat takes the cap plus room for HTTP: health probes, metrics and the API.
 * <p>
 * Tomcat's buffers per connection, which it allocates when a connection opens and keeps while
 * it is open: by default 8 KiB each to read from and write to the socket, and 8 KiB bytes,
 * 8 KiB bytes and 8 Ki chars for WebSocket input, output and encoding: 48 KiB for a
 * connection that mostly idles. STOMP frames here are small (ACKs and envelopes of a few
 * hundred bytes), so smaller buffers cost no extra writes for them, and a larger frame is
 * written in several parts. Set {@code -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE} to
 * choose another WebSocket size.
 */
@Configuration(proxyBeanMethods = false)
class TomcatConnections {

	/** Connections beyond the WebSocket cap, for HTTP requests and for handshakes refused with 503. */
	static final int HTTP_HEADROOM = 1024;

	static final int SOCKET_BUFFER_BYTES = 2048;

	/**
	 * The container's buffer for incoming WebSocket messages on {@code /ws}, in chars and in
	 * bytes: messages that do not fit arrive in parts ({@link ConnectionGuard} joins them).
	 */
	static final int PARTIAL_MESSAGE_BUFFER_SIZE = 2048;

	/** Tomcat reads it once, when its WebSocket classes load, which is after this runs. */
	private static final String WEBSOCKET_BUFFER_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	/**
	 * Added last, after Spring Boot's own customizer has set {@code server.tomcat.*}, whose
	 * 8192 would otherwise win.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tomcatConnectionLimitAndBuffers(
			ConnectionProperties properties) {
		return (factory) -> factory.addConnectorCustomizers(connectionLimitAndBuffers(properties));
	}

	TomcatConnectorCustomizer connectionLimitAndBuffers(ConnectionProperties properties) {
		return (connector) -> {
			connector.setProperty("maxConnections", Integer.toString(properties.maxConnections() + HTTP_HEADROOM));
			connector.setProperty("socket.appReadBufSize", Integer.toString(SOCKET_BUFFER_BYTES));
			connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_BUFFER_BYTES));
			if (System.getProperty(WEBSOCKET_BUFFER_PROPERTY) == null) {
				System.setProperty(WEBSOCKET_BUFFER_PROPERTY, Integer.toString(SOCKET_BUFFER_BYTES));
			}
		};
	}

}
