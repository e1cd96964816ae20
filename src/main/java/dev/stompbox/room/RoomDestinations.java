package dev.stompbox.room;

import java.util.Optional;

/** Every STOMP destination that names a room, built and parsed in this one place. */
public final class RoomDestinations {

	public static final String TOPIC_PREFIX = "/topic/rooms/";

	public static final String APP_PREFIX = "/app";

	public static final String PRESENCE_SUFFIX = "/presence";

	public static final String HISTORY_SUFFIX = "/history";

	/**
	 * The SEND destination that asks for a page of a room's history, as a message
	 * mapping.
	 */
	public static final String HISTORY_REQUEST = "/rooms/{roomId}" + HISTORY_SUFFIX;

	private RoomDestinations() {
	}

	/** Where a room's messages are delivered. */
	public static String messages(RoomId room) {
		return TOPIC_PREFIX + room.value();
	}

	/** Where a room's join and leave events are delivered. */
	public static String presence(RoomId room) {
		return TOPIC_PREFIX + room.value() + PRESENCE_SUFFIX;
	}

	/** The destination whose subscription answers with one presence snapshot. */
	public static String presenceSnapshot(RoomId room) {
		return APP_PREFIX + "/rooms/" + room.value() + PRESENCE_SUFFIX;
	}

	/** The SEND destination that asks for a page of the room's history. */
	public static String historyRequest(RoomId room) {
		return APP_PREFIX + "/rooms/" + room.value() + HISTORY_SUFFIX;
	}

	/**
	 * The room a topic destination carries messages or presence events of, if it is one.
	 */
	public static Optional<RoomId> roomOfTopic(String destination) {
		if (destination != null && destination.endsWith(PRESENCE_SUFFIX)) {
			return roomOfMessages(destination.substring(0, destination.length() - PRESENCE_SUFFIX.length()));
		}
		return roomOfMessages(destination);
	}

	/**
	 * The room whose messages a destination carries, if it is exactly a room message
	 * topic.
	 */
	public static Optional<RoomId> roomOfMessages(String destination) {
		if (destination == null || !destination.startsWith(TOPIC_PREFIX)) {
			return Optional.empty();
		}
		String rest = destination.substring(TOPIC_PREFIX.length());
		return RoomId.isValid(rest) ? Optional.of(RoomId.of(rest)) : Optional.empty();
	}

}
