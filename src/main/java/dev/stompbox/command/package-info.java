/**
 * Client commands handed to backends ({@code CommandSink}: in memory, or the Redis stream
 * backends read with a consumer group).
 */
package dev.stompbox.command;
