/**
 * A client connection from handshake to close: the endpoints and the order of the inbound
 * checks ({@code EndpointConfiguration}), the guard in front of the STOMP handler
 * ({@code ConnectionGuard}), the {@code CONNECT} timeout, ERROR frames and close codes,
 * lifetime, hand-over and drain. Its public types (the registry of open sessions, the
 * settings, hand-over, drain) are what other features may use; the sub-packages hold the
 * delivery path ({@code delivery}), the limits a client is held to ({@code limit}) and
 * the container's tuning ({@code jetty}), and no other feature reaches into them.
 */
package dev.stompbox.connection;
