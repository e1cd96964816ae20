package dev.stompbox.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.stompbox.error.ErrorCode;

/**
 * Lets a bounded number of joins work at once and queues the rest in arrival order. In a
 * reconnect storm thousands of joins arrive within a second; started all at once, their
 * Redis commands wait behind each other on the one connection until the command timeout
 * refuses them {@code unavailable}, and every refused client joins again, adding to the
 * storm. Queued here instead, a join waits for a free place with no timeout running, and
 * each one that runs is answered in about one round trip. Only a queue already full
 * refuses a join {@code unavailable}, as an instance that cannot keep up should.
 */
@Component
class JoinQueue {

	private final int inFlightLimit;

	private final int queueLimit;

	private final Queue<Waiting<?>> waiting = new ArrayDeque<>();

	private int running;

	JoinQueue(@Value("${stompbox.internal.joins-in-flight:32}") int inFlightLimit,
			@Value("${stompbox.internal.joins-queued:20000}") int queueLimit) {
		this.inFlightLimit = inFlightLimit;
		this.queueLimit = queueLimit;
	}

	/**
	 * Starts the join now when fewer than the limit are running, else when one ends.
	 */
	<T> CompletionStage<T> submit(Supplier<CompletionStage<T>> join) {
		Waiting<T> next = new Waiting<>(join, new CompletableFuture<>());
		synchronized (this) {
			if (this.running >= this.inFlightLimit) {
				if (this.waiting.size() >= this.queueLimit) {
					return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE
						.exception("Too many joins are waiting on this instance; retry in a moment"));
				}
				this.waiting.add(next);
				return next.result();
			}
			this.running++;
		}
		if (!startedAsync(next)) {
			startNext();
		}
		return next.result();
	}

	/**
	 * Starts the next waiting join in the place one just gave up, or frees the place. A
	 * loop, not a recursion: joins that end at once (refused before any Redis call) would
	 * otherwise nest one call per waiting join.
	 */
	private void startNext() {
		while (true) {
			Waiting<?> next;
			synchronized (this) {
				next = this.waiting.poll();
				if (next == null) {
					this.running--;
					return;
				}
			}
			if (startedAsync(next)) {
				return;
			}
		}
	}

	/**
	 * Runs the join; false when it has already ended, so that its place is free at once.
	 */
	private <T> boolean startedAsync(Waiting<T> join) {
		CompletableFuture<T> outcome = begin(join.work());
		if (outcome.isDone()) {
			join.settle(outcome);
			return false;
		}
		outcome.whenComplete((value, failure) -> {
			join.settle(outcome);
			startNext();
		});
		return true;
	}

	private static <T> CompletableFuture<T> begin(Supplier<CompletionStage<T>> work) {
		try {
			return work.get().toCompletableFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private record Waiting<T>(Supplier<CompletionStage<T>> work, CompletableFuture<T> result) {

		void settle(CompletableFuture<T> outcome) {
			outcome.whenComplete((value, failure) -> {
				if (failure != null) {
					this.result.completeExceptionally(failure);
				}
				else {
					this.result.complete(value);
				}
			});
		}

	}

}
