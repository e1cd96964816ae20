package dev.stompbox.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code storm}: C joined clients all lose their connection at once (a TCP reset, as a
 * network failure or a load balancer restart would do it); each reconnects after a random
 * delay within {@code --jitter-ms}, retries failures with full-jitter exponential backoff,
 * and re-joins its room with {@code since} set to the last id it saw. The time until every
 * client is back (joined) is the result.
 */
final class Storm extends Workload {

	private final int count;

	private final int roomCount;

	private final long jitterNanos;

	private final int rounds;

	private final long pauseMillis;

	private final long timeoutNanos;

	private final Recorder backTimes = new Recorder(LATENCY_MAX_MICROS, 3);

	private volatile long droppedAt;

	Storm(Options options, PrintStream log) {
		super(options, log);
		this.count = options.integer("clients", 1000);
		this.roomCount = options.integer("rooms", Math.max(1, (this.count + 99) / 100));
		this.jitterNanos = TimeUnit.MILLISECONDS.toNanos(options.number("jitter-ms", 1000));
		this.rounds = options.integer("rounds", 1);
		this.pauseMillis = options.number("pause-ms", 1000);
		this.timeoutNanos = TimeUnit.SECONDS.toNanos(options.number("storm-timeout", 120));
		if (this.count < 1 || this.roomCount < 1 || this.rounds < 1 || this.jitterNanos < 0) {
			throw new IllegalArgumentException("--clients, --rooms and --rounds must be positive");
		}
	}

	@Override
	Report run() throws InterruptedException {
		for (int i = 0; i < this.count; i++) {
			connection(userId(i), this.runId + "-r" + (i % this.roomCount), false);
		}
		Report report = report("storm").setting("clients", this.count)
			.setting("rooms", this.roomCount)
			.setting("jitter_ms", TimeUnit.NANOSECONDS.toMillis(this.jitterNanos));
		fetchTokens();
		this.log.printf("storm: connecting %d clients%n", this.count);
		long setupNanos = connectAll(this.connections);
		report.setting("connects_per_s", Math.round(this.count / (setupNanos / 1e9)));
		this.connectTimes.reset();

		long worst = 0;
		long back = 0;
		for (int round = 1; round <= this.rounds; round++) {
			TimeUnit.MILLISECONDS.sleep(this.pauseMillis);
			Map<String, Object> row = report.step();
			long problemsBefore = problemCount();
			long nanos = storm();
			back = this.connections.stream().filter((c) -> c.ready).count();
			worst = Math.max(worst, nanos);
			row.put("round", round);
			row.put("clients", this.count);
			row.put("back", back);
			row.put("all_back_ms", (nanos < 0) ? Double.NaN : nanos / 1e6);
			row.put("connects_per_s", (nanos <= 0) ? (Object) Double.NaN : (Object) Math.round(this.count / (nanos / 1e9)));
			latencyColumns(row, "back_", this.backTimes.getIntervalHistogram());
			Histogram rejoin = this.connectTimes.getIntervalHistogram();
			row.put("rejoin_p50_ms", rejoin.getValueAtPercentile(50) / 1000.0);
			row.put("rejoin_p99_ms", rejoin.getValueAtPercentile(99) / 1000.0);
			row.put("failed_attempts", problemCount() - problemsBefore);
			this.log.printf("storm: round %d, %d of %d back in %.0f ms%n", round, back, this.count, nanos / 1e6);
			if (nanos < 0) {
				break;
			}
		}
		report.total("clients", this.count)
			.total("rejoined", back)
			.total("worst_all_back_ms", worst / 1e6)
			.total("problems", problems());
		return report;
	}

	/** Drops every client and waits until all are back; the nanoseconds that took, or -1 on timeout. */
	private long storm() {
		int base = this.readyCount.get();
		this.reconnect = true;
		long start = System.nanoTime();
		this.droppedAt = start;
		onLoops((connection) -> {
			connection.abort();
			connection.failures = 0;
			long delay = (this.jitterNanos == 0) ? 0 : ThreadLocalRandom.current().nextLong(this.jitterNanos);
			connection.loop.schedule(delay, connection::open);
		});
		while (this.readyCount.get() - base < this.count) {
			if (System.nanoTime() - start > this.timeoutNanos) {
				this.reconnect = false;
				return -1;
			}
			checkDeadline(Long.MAX_VALUE, base, this.count);
			progress("storm", base, this.count, this.count);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		this.reconnect = false;
		return this.lastReady.get() - start;
	}

	@Override
	public void ready(Connection connection) {
		super.ready(connection);
		long dropped = this.droppedAt;
		if (dropped != 0) {
			this.backTimes.recordValue(Math.min(LATENCY_MAX_MICROS, (System.nanoTime() - dropped) / 1000));
		}
	}

}
