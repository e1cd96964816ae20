package dev.stompbox.sockjs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.stompbox.sockjs.RelayMessage.Reply;

/**
 * The response of a receiving request this instance relayed: what the session's holder
 * publishes is written to the client in the order it was published, off Lettuce's thread,
 * and the response completes when the holder completes it. When the client goes away, or
 * a write to it fails, the holder is told to detach (and, when frames were lost, to end
 * the session) before the response completes, so a next request of the client, wherever
 * it lands, reaches the holder after it.
 */
final class RelayedStream implements AsyncListener {

	private static final Log logger = LogFactory.getLog(RelayedStream.class);

	private final RequestRelay relay;

	private final String requestId;

	private final String sessionId;

	private final Executor writer;

	private final Queue<Reply> pending = new ArrayDeque<>();

	private final long relayed = System.nanoTime();

	private volatile long lastHeard = System.nanoTime();

	private @Nullable AsyncContext async;

	private @Nullable String holder;

	private boolean writing;

	private boolean heard;

	private boolean ended;

	RelayedStream(RequestRelay relay, String requestId, String sessionId, Executor writer) {
		this.relay = relay;
		this.requestId = requestId;
		this.sessionId = sessionId;
		this.writer = writer;
	}

	long lastHeard() {
		return this.lastHeard;
	}

	/**
	 * The request reached its holder: from now on the response is written as it answers.
	 */
	void begin(AsyncContext async, String holder) {
		async.addListener(this);
		synchronized (this) {
			this.async = async;
			this.holder = holder;
			writeIfDue();
		}
	}

	/** A part of the holder's answer, on Lettuce's thread. */
	void accept(Reply reply) {
		this.lastHeard = System.nanoTime();
		synchronized (this) {
			this.pending.add(reply);
			writeIfDue();
		}
	}

	private void writeIfDue() {
		if (this.async != null && !this.writing && !this.pending.isEmpty()) {
			this.writing = true;
			this.writer.execute(this::write);
		}
	}

	private void write() {
		while (true) {
			Reply reply;
			synchronized (this) {
				reply = this.pending.poll();
				if (reply == null) {
					this.writing = false;
					return;
				}
				if (this.ended) {
					if (reply.status() == 0 && !reply.body().isEmpty()) {
						detach(true, false);
					}
					continue;
				}
			}
			write(reply);
		}
	}

	private void write(Reply reply) {
		AsyncContext context = this.async;
		HttpServletResponse response = (HttpServletResponse) context.getResponse();
		if (!this.heard) {
			this.heard = true;
			this.relay.metrics().sockJsReceiveRelayed(System.nanoTime() - this.relayed);
		}
		try {
			if (reply.status() > 0) {
				response.setStatus(reply.status());
			}
			else if (!reply.body().isEmpty()) {
				ServletOutputStream out = response.getOutputStream();
				out.write(reply.body().getBytes(StandardCharsets.UTF_8));
				out.flush();
			}
			if (reply.last()) {
				end();
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Writing relayed SockJS frames failed: " + ex.getMessage());
			detach(true, true);
		}
	}

	/**
	 * The request is answered without the holder, which is told to write nothing to it.
	 */
	void abandon(String holder) {
		synchronized (this) {
			this.holder = holder;
		}
		detach(false, false);
	}

	/** The holder has not written for too long: it is gone. */
	void silent() {
		detach(false, true);
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		detach(false, true);
	}

	@Override
	public void onError(AsyncEvent event) {
		detach(false, true);
	}

	@Override
	public void onComplete(AsyncEvent event) {
		synchronized (this) {
			this.ended = true;
		}
		this.relay.forget(this.requestId);
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

	/**
	 * Tells the holder to write no more to this response, then completes it.
	 * @param lost whether frames the holder wrote never reached the client
	 * @param complete whether to complete the response once the holder heard
	 */
	private void detach(boolean lost, boolean complete) {
		String to;
		synchronized (this) {
			to = this.holder;
			this.ended = true;
		}
		this.relay.forget(this.requestId);
		if (to == null) {
			if (complete) {
				completeQuietly();
			}
			return;
		}
		this.relay.channel()
			.publish(to, new RelayMessage.Detach(this.requestId, this.relay.channel().instance(), this.sessionId, lost))
			.whenComplete((receivers, failure) -> {
				if (complete) {
					completeQuietly();
				}
			});
	}

	private void end() {
		synchronized (this) {
			this.ended = true;
		}
		this.relay.forget(this.requestId);
		completeQuietly();
	}

	private void completeQuietly() {
		AsyncContext context;
		synchronized (this) {
			context = this.async;
		}
		if (context == null) {
			return;
		}
		try {
			context.complete();
		}
		catch (IllegalStateException ex) {
			// Completed already, by the container when the client went away.
		}
	}

}
