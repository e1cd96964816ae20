package dev.stompbox.user;

import tools.jackson.databind.JsonNode;

/** An event for every session of one user, delivered on {@code /user/queue/events}. */
public record UserEvent(String type, JsonNode body, long ts) {
}
