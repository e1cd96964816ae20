package dev.stompbox.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** What {@code /user/queue/errors} carries for every failed request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorReport(String error, String message, @Nullable String requestId, @Nullable String destination) {
}
