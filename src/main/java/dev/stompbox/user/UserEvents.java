package dev.stompbox.user;

import java.util.concurrent.CompletionStage;

/**
 * Routes per-user events to every session of the user, wherever it is connected. One
 * implementation per mode: local delivery, or routed over Redis to the instances that
 * hold the user's sessions.
 */
public interface UserEvents {

	CompletionStage<Void> send(String userId, UserEvent event);

}
