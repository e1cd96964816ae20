package dev.stompbox.metrics;

import java.util.Locale;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One counter per value of an enum, registered up front: counting is an array lookup and
 * an increment, with no tags built per call, and every series exists (at zero) from the
 * start.
 */
final class EnumCounters<E extends Enum<E>> {

	private final Counter[] counters;

	EnumCounters(MeterRegistry registry, String name, String description, String tag, Class<E> type,
			Function<E, String> tagValue) {
		E[] values = type.getEnumConstants();
		this.counters = new Counter[values.length];
		for (E value : values) {
			this.counters[value.ordinal()] = Counter.builder(name)
				.description(description)
				.tag(tag, tagValue.apply(value))
				.register(registry);
		}
	}

	EnumCounters(MeterRegistry registry, String name, String description, String tag, Class<E> type) {
		this(registry, name, description, tag, type, EnumCounters::lowerKebab);
	}

	void increment(E value) {
		this.counters[value.ordinal()].increment();
	}

	void increment(E value, int amount) {
		this.counters[value.ordinal()].increment(amount);
	}

	/** {@code TRY_AGAIN_LATER} as {@code try-again-later}. */
	static String lowerKebab(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
