package dev.stompbox.connection;

/**
 * A feature that may turn new connections away for a while, beside the connection cap and
 * the drain: its handshakes are answered 503 with {@code Retry-After}, so the client (or
 * the load balancer) tries again, most likely on another instance. Readiness is not
 * touched: the instance keeps serving the connections it has.
 */
public interface HandshakeAdmission {

	/**
	 * Whether a new connection may open on this instance now; asked once per handshake.
	 */
	boolean admitsNewConnections();

}
