/**
 * Fan-out of room traffic to every instance ({@code RoomRelay}, in memory or through
 * Redis), which rooms this instance listens to, a room's gap-free stream after a pub/sub
 * interruption, and the hand-over to this instance's subscribers ({@code LocalDelivery}).
 */
package dev.stompbox.relay;
