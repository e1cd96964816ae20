package dev.stompbox.sockjs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.ServerHttpAsyncRequestControl;
import org.springframework.http.server.ServerHttpResponse;

import dev.stompbox.sockjs.RelayMessage.Reply;

/**
 * The response of a receiving request of a session held here whose client is at another
 * instance: what the session writes and flushes is published to that instance, which
 * writes it to its client, and completing it tells that instance to complete its
 * response. It is also the request's async control, since keeping the response open is
 * all that control does for a SockJS session. Written under the session's lock, so its
 * publishes go out, on one Redis connection, in the order the session wrote.
 */
final class RelayedResponse implements ServerHttpResponse, ServerHttpAsyncRequestControl {

	private final RelayMessage.Receive request;

	private final Publisher publisher;

	private final HttpHeaders headers = new HttpHeaders();

	private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

	private boolean started;

	private boolean completed;

	private boolean answered;

	RelayedResponse(RelayMessage.Receive request, Publisher publisher) {
		this.request = request;
		this.publisher = publisher;
	}

	RelayMessage.Receive request() {
		return this.request;
	}

	@Override
	public synchronized void setStatusCode(HttpStatusCode status) {
		// Always 200: the receiving transports write what goes wrong as SockJS frames.
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public synchronized OutputStream getBody() {
		return this.buffer;
	}

	@Override
	public synchronized void flush() {
		if (this.completed || this.buffer.size() == 0) {
			return;
		}
		this.answered = true;
		this.publisher.publish(this,
				Reply.bytes(this.request.requestId(), this.publisher.instance(), this.request.sessionId(), take()),
				true);
	}

	/** A response written whole, with no async start (a go-away frame): it ends here. */
	@Override
	public void close() {
		synchronized (this) {
			if (this.started) {
				return;
			}
		}
		complete();
	}

	@Override
	public void start() {
		start(-1);
	}

	@Override
	public synchronized void start(long timeout) {
		this.started = true;
	}

	@Override
	public synchronized boolean isStarted() {
		return this.started;
	}

	@Override
	public synchronized void complete() {
		if (this.completed) {
			return;
		}
		this.completed = true;
		this.answered = true;
		boolean frames = this.buffer.size() > 0;
		this.publisher.publish(this, new Reply(this.request.requestId(), this.publisher.instance(),
				this.request.sessionId(), 0, take(), true), frames);
		this.publisher.done(this);
	}

	@Override
	public synchronized boolean isCompleted() {
		return this.completed;
	}

	/** The other instance's client went away: nothing more is written to it. */
	synchronized void detached() {
		this.completed = true;
	}

	/** The session failed before anything was written: the request is answered 500. */
	synchronized void failed() {
		if (this.answered) {
			complete();
			return;
		}
		this.completed = true;
		this.answered = true;
		this.publisher.publish(this,
				Reply.status(this.request.requestId(), this.publisher.instance(), this.request.sessionId(), 500, ""),
				false);
		this.publisher.done(this);
	}

	private String take() {
		String bytes = this.buffer.toString(StandardCharsets.UTF_8);
		this.buffer.reset();
		return bytes;
	}

	/** Publishes a relayed response's parts to the instance that relayed its request. */
	interface Publisher {

		String instance();

		/**
		 * @param frames whether the reply carries frames: when no instance hears it, they
		 * are lost and the session must end
		 */
		void publish(RelayedResponse response, Reply reply, boolean frames);

		/** The response ended. */
		void done(RelayedResponse response);

	}

}
