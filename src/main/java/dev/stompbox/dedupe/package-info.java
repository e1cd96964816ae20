/**
 * The single-node {@code clientMsgId} window ({@code DedupeWindow}); in cluster mode
 * dedupe is part of the relay's publish script.
 */
package dev.stompbox.dedupe;
