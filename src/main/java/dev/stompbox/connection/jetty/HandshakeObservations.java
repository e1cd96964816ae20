package dev.stompbox.connection.jetty;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import dev.stompbox.session.StompEndpoints;

/**
 * Leaves the STOMP endpoints out of the HTTP server observations. The container holds an
 * upgraded handshake request open for as long as its connection lives, and with it the
 * request's observation (its context, key values and timer sample, about 1.5 KiB), only
 * to record at the close a "request" that lasted as long as the connection. Connections
 * are counted by {@code stompbox_connections} and {@code stompbox_disconnects_total}
 * instead.
 */
@Configuration(proxyBeanMethods = false)
class HandshakeObservations {

	@Bean
	ObservationPredicate noObservationOfStompEndpoints() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request)
				|| !isStompEndpoint(request.getCarrier().getRequestURI());
	}

	static boolean isStompEndpoint(String path) {
		return path.equals(StompEndpoints.WEBSOCKET) || path.equals(StompEndpoints.SOCKJS)
				|| path.startsWith(StompEndpoints.SOCKJS + "/");
	}

}
