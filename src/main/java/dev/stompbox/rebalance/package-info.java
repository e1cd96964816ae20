/**
 * Rebalancing in cluster mode (PROTOCOL.md section 9): instances announce their revision,
 * readiness and connection count in Redis, and an instance of an older revision, or one
 * well over its revision's average, moves clients away with {@code rebalance} notices
 * spread over a window. It moves clients only through the connection feature's hand-over
 * and never touches presence, rooms or readiness.
 */
package dev.stompbox.rebalance;
