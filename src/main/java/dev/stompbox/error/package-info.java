/**
 * The error catalogue ({@code ErrorCode}: wire code, HTTP status, whether a retry can
 * succeed, the WebSocket close code when the error ends a connection) and the exception
 * that carries a code to the one client it concerns.
 */
package dev.stompbox.error;
