/**
 * Who a client is and what it may do: JWT verification with Spring Security's
 * {@code JwtDecoder}, authentication at the handshake and at {@code CONNECT}, message
 * authorization, room access from the token, SockJS session owners, demo mode and its
 * tokens, who may read actuator, and the refusal of missing or example keys.
 */
package dev.stompbox.security;
