/**
 * A client connection from handshake to close: the endpoints and the order of the inbound
 * checks ({@code EndpointConfiguration}), limits, receipts, close codes, drain, lifetime
 * and hand-over, the delivery hot path ({@code TopicFanout}, {@code SendBuffer}), and
 * Jetty's tuning.
 */
package dev.stompbox.connection;
