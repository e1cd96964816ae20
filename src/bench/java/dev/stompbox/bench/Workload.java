package dev.stompbox.bench;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What every workload shares: the options common to all, the I/O loops and connections,
 * paced connecting with retries, the tallies the I/O threads feed, draining, and the
 * numbers each report row is made of.
 */
abstract class Workload implements Events, AutoCloseable {

	/** Latencies are recorded in microseconds, up to ten minutes. */
	static final long LATENCY_MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

	final Options options;

	final PrintStream log;

	final List<Target> targets;

	final String runId;

	final HttpClient http;

	final Tokens tokens;

	final ServerProbe probe;

	private final ExecutorService httpExecutor;

	private final List<InetAddress> bindAddresses;

	private final double connectRate;

	private final int maxPending;

	private final Duration setupTimeout;

	final Duration drainTimeout;

	private final List<IoLoop> loops = new ArrayList<>();

	final List<Connection> connections = new ArrayList<>();

	// Tallies the I/O threads feed.

	final Recorder latency = new Recorder(LATENCY_MAX_MICROS, 3);

	final Recorder connectTimes = new Recorder(LATENCY_MAX_MICROS, 3);

	final LongAdder delivered = new LongAdder();

	final AtomicInteger readyCount = new AtomicInteger();

	final AtomicLong lastReady = new AtomicLong();

	final LongAdder disconnects = new LongAdder();

	private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();

	/** Reconnect connections that fail or drop (while setting up and in a storm), or count them as dropped. */
	volatile boolean reconnect = true;

	/** Latencies are recorded for messages whose intended send time (epoch µs) falls in this window. */
	volatile long windowFrom = Long.MIN_VALUE;

	volatile long windowTo = Long.MAX_VALUE;

	private long lastProgress;

	/** A failure no retry can mend; set by an I/O thread, ends the wait for connections. */
	private volatile String fatal;

	Workload(Options options, PrintStream log) {
		this.options = options;
		this.log = options.flag("quiet") ? new PrintStream(PrintStream.nullOutputStream()) : log;
		this.targets = Target.parseAll(options.list("targets"));
		this.runId = options.string("run-id", "lg" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
		if (!this.runId.matches("[A-Za-z0-9_-]{1,40}")) {
			throw new IllegalArgumentException("--run-id: letters, digits, _ and - only, at most 40");
		}
		this.httpExecutor = Executors.newFixedThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "bench-http");
			thread.setDaemon(true);
			return thread;
		});
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.executor(this.httpExecutor)
			.build();
		String secret = options.string("secret", System.getenv("STOMPBOX_JWT_SECRET"));
		this.tokens = new Tokens(secret, Duration.ofSeconds(options.number("token-ttl", 6 * 3600)), this.http);
		this.probe = new ServerProbe(options.list("server-pids").stream().map(Long::parseLong).toList(), this.targets,
				this.http, (target) -> this.tokens.forUser(this.runId + "-probe", target));
		this.bindAddresses = bindAddresses(options.list("bind"));
		this.connectRate = options.decimal("connect-rate", 2000);
		this.maxPending = options.integer("max-pending", 500);
		this.setupTimeout = Duration.ofSeconds(options.number("setup-timeout", 300));
		this.drainTimeout = Duration.ofMillis((long) (options.decimal("drain-timeout", 5) * 1000));
		int threads = options.integer("io-threads", Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)));
		for (int i = 0; i < threads; i++) {
			this.loops.add(new IoLoop("bench-io-" + i));
		}
		this.loops.forEach(IoLoop::start);
	}

	abstract Report run() throws Exception;

	/** The settings every report starts with. */
	Report report(String workload) {
		return new Report(workload).setting("targets", this.targets.size())
			.setting("io_threads", this.loops.size())
			.setting("run_id", this.runId)
			.setting("tokens", this.tokens.demo() ? "demo" : "hs256");
	}

	/** A connection spread round-robin over targets, source addresses and I/O loops by its index. */
	Connection connection(String userId, String roomId, boolean userEvents) {
		int index = this.connections.size();
		IoLoop loop = this.loops.get(index % this.loops.size());
		Connection connection = new Connection(index, this.targets.get(index % this.targets.size()),
				this.bindAddresses.isEmpty() ? null : this.bindAddresses.get(index % this.bindAddresses.size()), userId,
				roomId, userEvents, loop, this);
		loop.execute(() -> loop.own(connection));
		this.connections.add(connection);
		return connection;
	}

	String userId(int index) {
		return this.runId + "-u" + index;
	}

	void fetchTokens() {
		long start = System.nanoTime();
		List<String> minted = this.tokens.forUsers(this.connections.stream().map((c) -> c.userId).toList(),
				this.connections.stream().map((c) -> c.target).toList());
		for (int i = 0; i < minted.size(); i++) {
			this.connections.get(i).token = minted.get(i);
		}
		if (this.tokens.demo()) {
			this.log.printf("fetched %d demo tokens in %.1f s%n", minted.size(), (System.nanoTime() - start) / 1e9);
		}
	}

	/**
	 * Opens the connections at {@code --connect-rate} with at most {@code --max-pending} not yet
	 * ready, and waits until all are ready (failed attempts are retried with backoff).
	 * Returns the nanoseconds from the first attempt to the last one ready.
	 */
	long connectAll(List<Connection> batch) {
		int base = this.readyCount.get();
		long start = System.nanoTime();
		long deadline = start + this.setupTimeout.toNanos();
		double interval = TimeUnit.SECONDS.toNanos(1) / this.connectRate;
		for (int i = 0; i < batch.size(); i++) {
			long due = start + (long) (i * interval);
			while (System.nanoTime() < due) {
				LockSupport.parkNanos(due - System.nanoTime());
			}
			while (i - (this.readyCount.get() - base) >= this.maxPending) {
				checkDeadline(deadline, base, batch.size());
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
			Connection connection = batch.get(i);
			connection.loop.execute(connection::open);
			progress("connecting", base, batch.size(), i + 1);
		}
		while (this.readyCount.get() - base < batch.size()) {
			checkDeadline(deadline, base, batch.size());
			progress("connecting", base, batch.size(), batch.size());
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
		}
		return this.lastReady.get() - start;
	}

	void checkDeadline(long deadline, int base, int wanted) {
		if (this.fatal != null) {
			throw new IllegalStateException("Connections are refused (" + this.fatal + "): check --secret "
					+ "against the servers' STOMPBOX_JWT_SECRET, or leave both unset for demo mode");
		}
		if (System.nanoTime() > deadline) {
			throw new IllegalStateException("Only " + (this.readyCount.get() - base) + " of " + wanted
					+ " connections ready after " + this.setupTimeout.toSeconds() + " s; failures: " + problems());
		}
	}

	void progress(String what, int base, int wanted, int started) {
		long now = System.nanoTime();
		if (now - this.lastProgress > TimeUnit.SECONDS.toNanos(2)) {
			this.lastProgress = now;
			this.log.printf("%s: %d started, %d of %d ready; problems: %s%n", what, started,
					this.readyCount.get() - base, wanted, problems());
		}
	}

	/** Runs an action for every connection on its own I/O thread, all loops at once, and waits. */
	void onLoops(Consumer<Connection> action) {
		List<CompletableFuture<Object>> done = new ArrayList<>();
		for (IoLoop loop : this.loops) {
			done.add(loop.submit(() -> {
				loop.connections().forEach(action);
				return null;
			}));
		}
		done.forEach(CompletableFuture::join);
	}

	/** After this, what the I/O threads wrote before it is visible to the caller. */
	void barrier() {
		this.loops.stream().map((loop) -> loop.submit(() -> null)).toList().forEach(CompletableFuture::join);
	}

	/**
	 * Waits until {@code received} reaches {@code expected}, or until it has not moved for
	 * {@code --drain-timeout}. True when everything arrived.
	 */
	boolean drain(LongSupplier received, long expected) {
		long last = received.getAsLong();
		long lastChange = System.nanoTime();
		while (last < expected) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			long now = received.getAsLong();
			if (now != last) {
				last = now;
				lastChange = System.nanoTime();
			}
			else if (System.nanoTime() - lastChange > this.drainTimeout.toNanos()) {
				return false;
			}
		}
		return true;
	}

	/** Full-jitter exponential backoff: uniform in [0, min(5 s, 100 ms * 2^(failures - 1))). */
	static long backoffNanos(int failures) {
		long cap = Math.min(TimeUnit.SECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(100) << Math.min(failures, 16));
		return TimeUnit.MILLISECONDS.toNanos(5) + ThreadLocalRandom.current().nextLong(cap);
	}

	// --- Events, on the I/O threads

	@Override
	public void ready(Connection connection) {
		long now = System.nanoTime();
		this.connectTimes.recordValue(Math.min(LATENCY_MAX_MICROS, (now - connection.attemptStarted) / 1000));
		this.lastReady.accumulateAndGet(now, Math::max);
		this.readyCount.incrementAndGet();
	}

	@Override
	public void closed(Connection connection, String reason, boolean wasReady) {
		problem(connection, reason);
		if (wasReady) {
			this.disconnects.increment();
		}
		if (reason.contains("unauthorized") || reason.contains("HTTP 401") || reason.contains("HTTP 403")) {
			// Retrying cannot help: wrong secret, or an Origin or token the server refuses.
			this.fatal = reason;
			return;
		}
		if (this.reconnect) {
			connection.failures++;
			connection.loop.schedule(backoffNanos(connection.failures), connection::open);
		}
	}

	@Override
	public void roomMessage(Connection connection, long seq, long sentMicros) {
		delivery(sentMicros);
	}

	@Override
	public void userEvent(Connection connection, long seq, long sentMicros) {
		delivery(sentMicros);
	}

	private void delivery(long sentMicros) {
		this.delivered.increment();
		if (sentMicros >= this.windowFrom && sentMicros < this.windowTo) {
			this.latency.recordValue(Math.max(0, Math.min(LATENCY_MAX_MICROS, MicroClock.now() - sentMicros)));
		}
	}

	@Override
	public void problem(Connection connection, String what) {
		this.problems.computeIfAbsent(what, (key) -> new LongAdder()).increment();
	}

	/** Problems seen so far, by kind: failed attempts, errors from the server, unreadable frames. */
	Map<String, Long> problems() {
		Map<String, Long> counts = new TreeMap<>();
		this.problems.forEach((what, count) -> counts.put(what, count.sum()));
		return counts;
	}

	long problemCount() {
		return this.problems.values().stream().mapToLong(LongAdder::sum).sum();
	}

	// --- numbers for report rows

	static void latencyColumns(Map<String, Object> row, String prefix, Histogram histogram) {
		boolean any = histogram.getTotalCount() > 0;
		row.put(prefix + "p50_ms", any ? histogram.getValueAtPercentile(50) / 1000.0 : Double.NaN);
		row.put(prefix + "p99_ms", any ? histogram.getValueAtPercentile(99) / 1000.0 : Double.NaN);
		row.put(prefix + "p99.9_ms", any ? histogram.getValueAtPercentile(99.9) / 1000.0 : Double.NaN);
		row.put(prefix + "max_ms", any ? histogram.getMaxValue() / 1000.0 : Double.NaN);
	}

	/**
	 * Server CPU and write calls per delivery and the generator's own CPU over a window. The
	 * write calls do not depend on the machine the way CPU time does: about 1 per delivery
	 * when a server writes each frame on its own, fewer when it gathers them.
	 */
	static void costColumns(Map<String, Object> row, ServerProbe.Sample from, ServerProbe.Sample to, long deliveries) {
		double wall = (to.nanoTime() - from.nanoTime()) / 1e9;
		boolean cpu = from.serverCpuNanos() >= 0 && to.serverCpuNanos() >= 0 && deliveries > 0;
		boolean writes = from.serverWriteCalls() >= 0 && to.serverWriteCalls() >= 0 && deliveries > 0;
		double cpuSeconds = (to.serverCpuNanos() - from.serverCpuNanos()) / 1e9;
		row.put("srv_cpu_s_per_1k", cpu ? cpuSeconds / (deliveries / 1000.0) : Double.NaN);
		row.put("srv_us_per_dlv", cpu ? cpuSeconds * 1e6 / deliveries : Double.NaN);
		row.put("srv_writes_per_dlv",
				writes ? (double) (to.serverWriteCalls() - from.serverWriteCalls()) / deliveries : Double.NaN);
		row.put("srv_cores", cpu ? cpuSeconds / wall : Double.NaN);
		row.put("gen_cores", (to.ownCpuNanos() - from.ownCpuNanos()) / 1e9 / wall);
	}

	static Map<String, Object> map() {
		return new LinkedHashMap<>();
	}

	private static List<InetAddress> bindAddresses(List<String> specs) {
		List<InetAddress> addresses = new ArrayList<>();
		for (String spec : specs) {
			try {
				int dash = spec.indexOf('-');
				if (dash < 0) {
					addresses.add(InetAddress.getByName(spec));
					continue;
				}
				// a range of IPv4 addresses that differ in the last byte: 127.0.0.1-127.0.0.8
				byte[] first = InetAddress.getByName(spec.substring(0, dash)).getAddress();
				byte[] last = InetAddress.getByName(spec.substring(dash + 1)).getAddress();
				for (int b = first[3] & 0xff; b <= (last[3] & 0xff); b++) {
					byte[] address = first.clone();
					address[3] = (byte) b;
					addresses.add(InetAddress.getByAddress(address));
				}
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException("--bind: not an address: " + spec);
			}
		}
		return addresses;
	}

	@Override
	public void close() {
		this.reconnect = false;
		for (IoLoop loop : this.loops) {
			loop.stop();
		}
		this.httpExecutor.shutdownNow();
		this.http.shutdownNow();
	}

}
