/**
 * The {@code websocket} and {@code redis} components of {@code /actuator/health}.
 */
package dev.stompbox.health;
