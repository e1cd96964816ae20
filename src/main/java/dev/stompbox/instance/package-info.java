/**
 * This instance: its id, single node or cluster mode and the conditions that choose
 * between them, the shared scheduler, {@code /app/instance}, and the start-up banner.
 */
package dev.stompbox.instance;
