package dev.stompbox.relay;

/**
 * Writes a message, already encoded as JSON, to this instance's subscribers of a topic
 * destination, in the order the calls for that destination were made.
 */
public interface LocalDelivery {

	void deliver(String destination, byte[] json);

}
