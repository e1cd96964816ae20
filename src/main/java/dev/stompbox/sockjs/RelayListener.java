package dev.stompbox.sockjs;

import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;

import dev.stompbox.redis.ChannelSubscriptions;
import dev.stompbox.sockjs.RelayMessage.Reply;

/**
 * Listens on this instance's SockJS channel from before the web server takes requests
 * until after it stopped: requests of the sessions held here go to the
 * {@link SessionHolder}, answers to the requests relayed from here to the
 * {@link RequestRelay}.
 */
class RelayListener implements SmartLifecycle {

	private final RelayChannel channel;

	private final ChannelSubscriptions subscriptions;

	private final SessionHolder holder;

	private final RequestRelay relay;

	private volatile boolean running;

	RelayListener(RelayChannel channel, ChannelSubscriptions subscriptions, SessionHolder holder, RequestRelay relay) {
		this.channel = channel;
		this.subscriptions = subscriptions;
		this.holder = holder;
		this.relay = relay;
	}

	@Override
	public void start() {
		this.channel.listen(this.subscriptions, (message) -> {
			if (message instanceof Reply reply) {
				this.relay.replied(reply);
			}
			else {
				this.holder.received(message);
			}
		}).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.channel.unlisten(this.subscriptions);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Before the web server (which starts last among the default phases). */
	@Override
	public int getPhase() {
		return 0;
	}

}
