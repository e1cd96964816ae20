package dev.stompbox.bench;

import java.time.Instant;

/**
 * Microseconds since the epoch, read from {@link System#nanoTime()}: monotonic and precise
 * within this process, anchored to the wall clock once. Publishers put these in message
 * bodies and receivers subtract them, so both sides read the same clock.
 */
final class MicroClock {

	private static final long BASE_NANOS = System.nanoTime();

	private static final long BASE_MICROS;

	static {
		Instant now = Instant.now();
		BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

	private MicroClock() {
	}

	static long micros(long nanoTime) {
		return BASE_MICROS + (nanoTime - BASE_NANOS) / 1_000;
	}

	static long now() {
		return micros(System.nanoTime());
	}

}
