package dev.stompbox.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

/**
 * Timers whose distribution reaches Prometheus both ways: histogram buckets, which add up
 * across instances ({@code histogram_quantile}), and this instance's p50, p99 and p99.9
 * over the last few minutes. Micrometer's Prometheus registry drops the percentiles of a
 * timer that also has buckets, so they are published here as Micrometer does for other
 * registries: a {@code <name>.percentile} gauge tagged {@code phi}.
 */
final class Latencies {

	static final double[] PERCENTILES = { 0.5, 0.99, 0.999 };

	private Latencies() {
	}

	static Timer timer(MeterRegistry registry, String name, String description, Tags tags, Duration shortest,
			Duration longest) {
		Timer timer = Timer.builder(name)
			.description(description)
			.tags(tags)
			.publishPercentiles(PERCENTILES)
			.publishPercentileHistogram()
			.minimumExpectedValue(shortest)
			.maximumExpectedValue(longest)
			.register(registry);
		for (double phi : PERCENTILES) {
			String percentile = Double.toString(phi);
			// Registries other than Prometheus's publish these themselves.
			if (registry.find(name + ".percentile").tags(tags).tag("phi", percentile).gauge() == null) {
				Gauge.builder(name + ".percentile", timer, (measured) -> secondsAt(measured, phi))
					.description(description + ", percentile of the last minutes on this instance")
					.tags(tags)
					.tag("phi", percentile)
					.baseUnit("seconds")
					.register(registry);
			}
		}
		return timer;
	}

	private static double secondsAt(Timer timer, double phi) {
		for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
			if (value.percentile() == phi) {
				return value.value(TimeUnit.SECONDS);
			}
		}
		return Double.NaN;
	}

}
