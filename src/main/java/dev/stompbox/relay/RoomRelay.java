package dev.stompbox.relay;

import java.util.concurrent.CompletionStage;

import dev.stompbox.room.Draft;
import dev.stompbox.room.RoomId;

/**
 * Fans room traffic out to every instance. One implementation per mode: in memory for a
 * single node, over Redis pub/sub for a cluster.
 */
public interface RoomRelay {

	/**
	 * Stamps the draft with an id that is strictly greater than every earlier one of the
	 * room, drops it when its {@code clientMsgId} was seen within the dedupe window,
	 * keeps it in history unless it is ephemeral, and delivers it to every subscriber of
	 * the room on every instance in id order.
	 */
	CompletionStage<Publication> publish(Draft draft);

	/**
	 * Delivers an encoded presence event to the room's presence subscribers everywhere.
	 */
	CompletionStage<Void> publishPresence(RoomId room, byte[] json);

	/**
	 * Makes this instance receive the room's traffic. Completes once a message published
	 * anywhere from then on will reach this instance. Calls are counted by
	 * {@link RoomInterest}, which calls this only for the first local subscriber.
	 */
	CompletionStage<Void> attach(RoomId room);

	/**
	 * Stops receiving the room's traffic on this instance: its last local subscriber
	 * left.
	 */
	void detach(RoomId room);

}
