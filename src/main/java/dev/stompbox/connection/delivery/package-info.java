/**
 * The outbound hot path: every write to a client goes through its session's
 * {@code SendBuffer}, which never blocks the caller and gives up on a client that does
 * not read (4500); room messages are encoded once ({@code MessageFrame}) and fanned out
 * on lanes ({@code TopicFanout}, {@code FanoutLanes}) to the subscribers of the broker's
 * index ({@code DestinationSubscriptions}); RECEIPTs follow their frame's outcome in the
 * session's order ({@code Receipts}, {@code OrderedOutbound}). It decides neither what a
 * client may do nor when a connection ends for anything but slowness.
 */
package dev.stompbox.connection.delivery;
