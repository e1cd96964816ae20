package dev.stompbox.connection;

/**
 * Published when the instance starts draining for shutdown: the connections it closes now
 * will reconnect to other instances, so what they hold should be handed over, not ended.
 */
public record DrainStarted(long deadlineMillis) {
}
