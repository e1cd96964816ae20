package dev.stompbox.connection.limit;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.messaging.StompSubProtocolHandler;
import org.springframework.web.socket.messaging.SubProtocolHandler;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

import dev.stompbox.connection.ConnectionProperties;

/**
 * Gives the STOMP handler the {@link ContentLengthDecoder}. Spring creates that handler
 * inside its endpoint registry, out of reach of configuration, and adds it to the
 * {@code subProtocolWebSocketHandler} bean; it is there once every singleton exists, and
 * no connection is accepted before the web server starts, later still.
 */
@Component
class StompDecoderSetup implements SmartInitializingSingleton {

	private final WebSocketHandler handler;

	private final ConnectionProperties properties;

	StompDecoderSetup(@Qualifier("subProtocolWebSocketHandler") WebSocketHandler handler,
			ConnectionProperties properties) {
		this.handler = handler;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (!(WebSocketHandlerDecorator.unwrap(this.handler) instanceof SubProtocolWebSocketHandler subProtocols)) {
			throw new IllegalStateException("No SubProtocolWebSocketHandler in " + this.handler);
		}
		int stompHandlers = 0;
		for (SubProtocolHandler protocol : subProtocols.getProtocolHandlers()) {
			if (protocol instanceof StompSubProtocolHandler stomp) {
				ContentLengthDecoder decoder = new ContentLengthDecoder(this.properties.maxFrameBytes());
				decoder.setHeaderInitializer(stomp.getHeaderInitializer());
				stomp.setDecoder(decoder);
				stompHandlers++;
			}
		}
		if (stompHandlers == 0) {
			throw new IllegalStateException("No STOMP handler to check content-length in " + subProtocols);
		}
	}

}
