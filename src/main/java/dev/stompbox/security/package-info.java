/**
 * Who a client is and what it may do: a token verified into a
 * {@code ClientAuthentication} ({@code TokenVerifier}), authentication at the handshake
 * and at {@code CONNECT}, message authorization, room access from the token, SockJS
 * session owners, the HTTP security chains and who may read actuator. How tokens are
 * verified and with which key is {@code security.jwt}'s business: this package only uses
 * the {@code JwtDecoder} made there.
 */
package dev.stompbox.security;
