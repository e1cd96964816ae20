package dev.stompbox.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code users}: U users with one connection each, subscribed to {@code /user/queue/events};
 * a backend sends them 1:1 events at a fixed total rate (open loop) through
 * {@code POST /api/users/{id}/events} (PROTOCOL.md section 7.1). With several targets each
 * event is posted to a different instance than the one holding the user's connection, so
 * every event crosses instances. Event k goes to user k mod U with that user's next
 * sequence number.
 */
final class Users extends Workload {

	private final int count;

	private final long rate;

	private final long messages;

	private final long warmupNanos;

	private final long durationNanos;

	private final int concurrency;

	private final AtomicLongArray accepted;

	private String backendToken;

	private long posted;

	Users(Options options, PrintStream log) {
		super(options, log);
		this.count = options.integer("users", 1000);
		this.rate = options.number("rate", 1000);
		this.messages = options.number("messages", -1);
		this.warmupNanos = (long) (options.decimal("warmup", 5) * 1e9);
		this.durationNanos = (long) (options.decimal("duration", 30) * 1e9);
		this.concurrency = options.integer("http-concurrency", 64);
		if (this.count < 1 || this.rate < 1 || this.messages == 0 || this.durationNanos <= 0 || this.concurrency < 1) {
			throw new IllegalArgumentException(
					"--users, --rate, --messages, --duration and --http-concurrency must be positive");
		}
		this.accepted = new AtomicLongArray(this.count);
	}

	@Override
	Report run() {
		for (int i = 0; i < this.count; i++) {
			connection(userId(i), null, true);
		}
		Report report = report("users").setting("users", this.count).setting("http_concurrency", this.concurrency);
		fetchTokens();
		this.backendToken = this.tokens.forUser(this.runId + "-backend", this.targets.get(0));
		this.log.printf("users: connecting %d clients%n", this.count);
		long setupNanos = connectAll(this.connections);
		this.reconnect = false;
		report.setting("connects_per_s", Math.round(this.count / (setupNanos / 1e9)));

		Map<String, Object> row = report.step();
		row.put("target_ev_per_s", this.rate);
		boolean complete = publish(row);
		row.put("drained", complete);
		barrier();
		long expected = expected();
		long lost = 0;
		for (int i = 0; i < this.count; i++) {
			lost += this.accepted.get(i) - this.connections.get(i).distinct();
		}
		report.total("events", this.posted)
			.total("accepted", expected)
			.total("deliveries", this.delivered.sum())
			.total("lost", lost)
			.total("duplicates", this.connections.stream().mapToLong(Connection::duplicates).sum())
			.total("disconnects", this.disconnects.sum())
			.total("problems", problems());
		return report;
	}

	private boolean publish(Map<String, Object> row) {
		boolean counted = this.messages > 0;
		double interval = 1e9 / this.rate;
		Semaphore inFlight = new Semaphore(this.concurrency);
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
		long windowStart = counted ? start : start + this.warmupNanos;
		long windowEnd = counted ? Long.MAX_VALUE : windowStart + this.durationNanos;
		this.windowFrom = counted ? Long.MIN_VALUE : MicroClock.micros(windowStart);
		this.windowTo = counted ? Long.MAX_VALUE : MicroClock.micros(windowEnd);
		this.latency.reset();
		ServerProbe.Sample from = null;
		long deliveredFrom = 0;
		long postedFrom = 0;
		for (long k = 0;; ) {
			long now = System.nanoTime();
			if (from == null && now - windowStart >= 0) {
				from = this.probe.sample();
				deliveredFrom = this.delivered.sum();
				postedFrom = this.posted;
			}
			long due = start + (long) (k * interval);
			if (counted ? k >= this.messages : due - windowEnd >= 0) {
				break;
			}
			if (due - now > 0) {
				LockSupport.parkNanos(Math.max(1, ((from == null) ? Math.min(due, windowStart) : due) - now));
				continue;
			}
			inFlight.acquireUninterruptibly();
			post((int) (k % this.count), k / this.count, MicroClock.micros(due), inFlight);
			k++;
		}
		ServerProbe.Sample to;
		long deliveredTo;
		long postedTo;
		boolean complete;
		if (!counted) {
			while (System.nanoTime() - windowEnd < 0) {
				LockSupport.parkNanos(windowEnd - System.nanoTime());
			}
			to = this.probe.sample();
			deliveredTo = this.delivered.sum();
			postedTo = this.posted;
		}
		else {
			to = null;
			deliveredTo = 0;
			postedTo = 0;
		}
		inFlight.acquireUninterruptibly(this.concurrency);
		complete = drain(this.delivered::sum, expected());
		if (counted) {
			to = this.probe.sample();
			deliveredTo = this.delivered.sum();
			postedTo = this.posted;
		}
		double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
		row.put("posts_per_s", (postedTo - postedFrom) / seconds);
		row.put("dlv_per_s", (deliveredTo - deliveredFrom) / seconds);
		latencyColumns(row, "", this.latency.getIntervalHistogram());
		costColumns(row, from, to, deliveredTo - deliveredFrom);
		return complete;
	}

	private void post(int user, long seq, long intendedMicros, Semaphore inFlight) {
		Connection connection = this.connections.get(user);
		// Across instances: to the target after the one the user is connected to.
		Target target = this.targets.get((connection.index + 1) % this.targets.size());
		URI uri = target.http("/api/users/" + connection.userId + "/events");
		String body = "{\"type\":\"bench\",\"body\":{\"seq\":" + seq + ",\"t\":" + intendedMicros + "}}";
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + this.backendToken)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		this.posted++;
		this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, ex) -> {
			if (ex != null) {
				problem(connection, "POST failed: " + Connection.reason(ex));
			}
			else if (response.statusCode() == 202) {
				this.accepted.incrementAndGet(user);
			}
			else {
				problem(connection, "POST answered " + response.statusCode());
			}
			inFlight.release();
		});
	}

	private long expected() {
		long expected = 0;
		for (int i = 0; i < this.count; i++) {
			expected += this.accepted.get(i);
		}
		return expected;
	}

}
