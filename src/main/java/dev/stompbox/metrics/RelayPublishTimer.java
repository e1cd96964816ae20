package dev.stompbox.metrics;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Timer;

/**
 * Times one relay's publishes, from the call until its stage completes, by outcome. Made
 * once per relay, so a publish picks one of three timers and builds nothing.
 */
public final class RelayPublishTimer {

	private final Timer ok;

	private final Timer duplicate;

	private final Timer error;

	RelayPublishTimer(Timer ok, Timer duplicate, Timer error) {
		this.ok = ok;
		this.duplicate = duplicate;
		this.error = error;
	}

	/**
	 * Runs the publish and times it; a publish that throws instead of returning a failed
	 * stage is timed as an error too, and the exception passes on.
	 */
	public <T> CompletionStage<T> time(Supplier<? extends CompletionStage<T>> publish, Predicate<? super T> duplicate) {
		long started = System.nanoTime();
		CompletionStage<T> published;
		try {
			published = publish.get();
		}
		catch (RuntimeException ex) {
			record(this.error, started);
			throw ex;
		}
		published.whenComplete((result, failure) -> record(
				(failure != null) ? this.error : duplicate.test(result) ? this.duplicate : this.ok, started));
		return published;
	}

	private static void record(Timer timer, long started) {
		timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
	}

}
