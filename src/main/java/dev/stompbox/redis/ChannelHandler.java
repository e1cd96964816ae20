package dev.stompbox.redis;

/** Receives the messages of subscribed Redis channels. */
public interface ChannelHandler {

	void message(String channel, byte[] payload);

	/**
	 * Redis confirmed the channel again after a reconnect: messages published while this
	 * instance was not subscribed never reached it.
	 */
	default void resubscribed(String channel) {
	}

}
