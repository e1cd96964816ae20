package dev.stompbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Changes to Redis that must hold, such as a session's leave of a room: a leave lost to a
 * Redis blip would leave a member present for good. Per key, changes reach Redis one
 * after the other, in the order they were made, whatever Redis answers (a script's
 * NOSCRIPT fallback or a retry cannot overtake a later change). A key whose change failed
 * is <em>settled</em> again, with backoff and whenever {@link #retryNow} is called, until
 * that holds: settling writes the key's current wanted state, read when it runs, so a
 * retry never undoes a later change.
 *
 * @param <K> what a change is about, for example a session in a room
 */
public final class SettledChanges<K> {

	private static final Log logger = LogFactory.getLog(SettledChanges.class);

	static final Duration FIRST_RETRY = Duration.ofMillis(200);

	static final Duration LAST_RETRY = Duration.ofSeconds(5);

	private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

	private final String what;

	private final Function<K, CompletionStage<?>> settle;

	private final Map<K, Slot> slots = new ConcurrentHashMap<>();

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private volatile long backoffMillis = FIRST_RETRY.toMillis();

	/**
	 * @param what the changes, for the log
	 * @param settle writes the key's current wanted state to Redis
	 */
	public SettledChanges(String what, Function<K, CompletionStage<?>> settle) {
		this.what = what;
		this.settle = settle;
	}

	/**
	 * Runs the change once the key's earlier changes are done, at once (on this thread)
	 * when none is under way. When it fails, the key is settled until that holds.
	 * @return the change's own outcome
	 */
	public <T> CompletionStage<T> run(K key, Supplier<CompletionStage<T>> change) {
		@SuppressWarnings("unchecked")
		CompletableFuture<T>[] next = new CompletableFuture[1];
		this.slots.compute(key, (k, slot) -> {
			Slot kept = (slot != null) ? slot : new Slot();
			next[0] = kept.tail.handle((value, failure) -> null).thenCompose((ignored) -> attempt(change));
			kept.tail = next[0];
			return kept;
		});
		CompletableFuture<T> outcome = next[0];
		outcome.whenComplete((value, failure) -> {
			if (failure != null) {
				failed(key, failure);
			}
			else {
				this.backoffMillis = FIRST_RETRY.toMillis();
				this.slots.computeIfPresent(key, (k, slot) -> (slot.tail == outcome && !slot.dirty) ? null : slot);
			}
		});
		return outcome;
	}

	/** Writes the key's current wanted state, after its earlier changes. */
	public CompletionStage<?> settle(K key) {
		return run(key, () -> this.settle.apply(key));
	}

	/** Settles every key whose change failed, now: Redis is back, for example. */
	public void retryNow() {
		List<K> due = this.slots.keySet().stream().filter(this::takeDirty).toList();
		due.forEach(this::settle);
	}

	/** Keys changing or still to be settled. */
	public int pending() {
		return this.slots.size();
	}

	/** Keys whose last change failed and that are not settled yet. */
	public int unsettled() {
		return (int) this.slots.values().stream().filter((slot) -> slot.dirty).count();
	}

	private <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> change) {
		try {
			return change.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void failed(K key, Throwable failure) {
		if (logger.isDebugEnabled()) {
			logger.debug("Change of " + this.what + " " + key + " failed, it is retried: " + failure.getMessage());
		}
		this.slots.compute(key, (k, slot) -> {
			Slot kept = (slot != null) ? slot : new Slot();
			kept.dirty = true;
			return kept;
		});
		scheduleRetry();
	}

	private boolean takeDirty(K key) {
		boolean[] taken = { false };
		this.slots.computeIfPresent(key, (k, slot) -> {
			taken[0] = slot.dirty;
			slot.dirty = false;
			return slot;
		});
		return taken[0];
	}

	private void scheduleRetry() {
		if (!this.retryScheduled.compareAndSet(false, true)) {
			return;
		}
		long delay = this.backoffMillis;
		this.backoffMillis = Math.min(2 * delay, LAST_RETRY.toMillis());
		CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
			this.retryScheduled.set(false);
			retryNow();
		});
	}

	/** A key's changes: the last one made, and whether the key must be settled again. */
	private static final class Slot {

		private CompletableFuture<?> tail = DONE;

		private boolean dirty;

	}

}
