/**
 * How tokens are signed and verified: one {@code JwtDecoder}, its algorithm pinned by the
 * key configured (an HS256 secret or a JWKS address); demo mode, its random key (shared
 * through Redis in cluster mode) and its token endpoint; and the refusal to start without
 * a key or with an example one. Nothing here reads a handshake or a STOMP frame.
 */
package dev.stompbox.security.jwt;
