/**
 * The vocabulary of rooms: room and message ids, the envelope a room message travels in,
 * the requests clients make, and every room destination, built and parsed in one place
 * ({@code RoomDestinations}).
 */
package dev.stompbox.room;
