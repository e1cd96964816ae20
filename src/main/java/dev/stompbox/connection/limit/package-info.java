/**
 * The limits a client is held to (PROTOCOL.md sections 5, 6 and 10): the connection cap,
 * the rate limit and the bucket a reconnect carries over, subscriptions per session,
 * connections per user, a frame's {@code content-length}, a SockJS body. Each check
 * refuses with an error code; where it sits in the inbound order is
 * {@code EndpointConfiguration}'s business, not this package's.
 */
package dev.stompbox.connection.limit;
