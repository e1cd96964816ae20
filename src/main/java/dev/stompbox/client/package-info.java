/**
 * What clients do in rooms over STOMP: join, send, leave, history pages, commands and the
 * presence snapshot ({@code RoomRequestController}), and the ACKs they get.
 */
package dev.stompbox.client;
