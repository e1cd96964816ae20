package dev.stompbox.session;

import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.sockjs.transport.TransportHandler;

/**
 * Makes the SockJS endpoint's transport handlers (PROTOCOL.md section 1: websocket,
 * xhr-streaming, xhr-polling, and xhr_send). In cluster mode the HTTP transports'
 * sessions are recorded in Redis when they open, so that a request of the session
 * reaching another instance finds its way here; the endpoint's configuration takes the
 * handlers from this without depending on how that is done.
 */
@FunctionalInterface
public interface SockJsTransportHandlers {

	/**
	 * @param handshake what upgrades the websocket transport
	 */
	TransportHandler[] create(HandshakeHandler handshake);

}
