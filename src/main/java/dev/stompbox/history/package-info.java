/**
 * Kept room messages and recovery with {@code since} ({@code RoomHistory}, in memory or
 * in a Redis stream per room), and the limits of what one reply recovers.
 */
package dev.stompbox.history;
