package dev.stompbox.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * {@code idle}: C connections, each subscribed and joined to one of R rooms, held for a
 * while; the servers' memory is read before and after (after a full GC of each server when
 * {@code --server-pids} is given), and divided by C.
 */
final class Idle extends Workload {

	private final int count;

	private final int roomCount;

	private final long holdMillis;

	private final boolean collect;

	Idle(Options options, PrintStream log) {
		super(options, log);
		this.count = options.integer("connections", 1000);
		this.roomCount = options.integer("rooms", Math.max(1, (this.count + 99) / 100));
		this.holdMillis = (long) (options.decimal("hold", 10) * 1000);
		this.collect = !options.flag("no-gc");
		if (this.count < 1 || this.roomCount < 1) {
			throw new IllegalArgumentException("--connections and --rooms must be positive");
		}
	}

	@Override
	Report run() throws InterruptedException {
		for (int i = 0; i < this.count; i++) {
			connection(userId(i), this.runId + "-r" + (i % this.roomCount), false);
		}
		Report report = report("idle").setting("connections", this.count).setting("rooms", this.roomCount);
		fetchTokens();
		ServerProbe.Sample before = settledSample();
		this.log.printf("idle: connecting %d clients to %d rooms on %d target(s)%n", this.count, this.roomCount,
				this.targets.size());
		long setupNanos = connectAll(this.connections);
		this.reconnect = false;
		this.log.printf("idle: all %d ready; holding %d ms%n", this.count, this.holdMillis);
		TimeUnit.MILLISECONDS.sleep(this.holdMillis);
		ServerProbe.Sample after = settledSample();

		Map<String, Object> row = report.step();
		row.put("connections", this.count);
		row.put("connects_per_s", Math.round(this.count / (setupNanos / 1e9)));
		Histogram connect = this.connectTimes.getIntervalHistogram();
		latencyColumns(row, "connect_", connect);
		row.put("srv_rss_mib_before", mib(before.serverRssBytes()));
		row.put("srv_rss_mib_after", mib(after.serverRssBytes()));
		row.put("rss_kib_per_conn", perConnection(before.serverRssBytes(), after.serverRssBytes()));
		row.put("heap_mib_before", mib(before.serverHeapBytes()));
		row.put("heap_mib_after", mib(after.serverHeapBytes()));
		row.put("heap_kib_per_conn", perConnection(before.serverHeapBytes(), after.serverHeapBytes()));
		row.put("gen_rss_mib", mib(after.ownRssBytes()));
		report.total("connections", this.count)
			.total("ready", this.readyCount.get())
			.total("still_open", this.connections.stream().filter((c) -> c.ready).count())
			.total("disconnects", this.disconnects.sum())
			.total("problems", problems());
		return report;
	}

	private ServerProbe.Sample settledSample() {
		if (this.collect && this.probe.hasPids()) {
			this.probe.collectGarbage();
		}
		return this.probe.sampleWithHeap();
	}

	private double perConnection(long before, long after) {
		return (before < 0 || after < 0) ? Double.NaN : (after - before) / 1024.0 / this.count;
	}

	private static double mib(long bytes) {
		return (bytes < 0) ? Double.NaN : bytes / (1024.0 * 1024.0);
	}

}
