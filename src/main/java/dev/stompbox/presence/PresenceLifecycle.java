package dev.stompbox.presence;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/** A closed connection leaves every room it joined, however it closed. */
@Component
class PresenceLifecycle {

	private final Presence presence;

	PresenceLifecycle(Presence presence) {
		this.presence = presence;
	}

	@EventListener
	void onDisconnect(SessionDisconnectEvent event) {
		this.presence.disconnected(event.getSessionId());
	}

}
