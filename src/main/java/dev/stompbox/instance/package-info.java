/**
 * This instance: its id, single node or cluster mode and the conditions that choose
 * between them (and the check that a jar processed by Spring AOT starts in the mode it
 * was processed for), the shared scheduler, {@code /app/instance}, and the start-up
 * banner.
 */
package dev.stompbox.instance;
