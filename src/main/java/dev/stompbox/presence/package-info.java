/**
 * Who is in which room ({@code Presence}, in memory or in Redis), kept from the session
 * lifecycle, and this instance's lease, whose end removes its members.
 */
package dev.stompbox.presence;
