/**
 * What other features need to know of a session without depending on {@code connection}:
 * whether it is still open ({@code SessionGate}), the endpoint paths, and SockJS requests
 * and transports.
 */
package dev.stompbox.session;
