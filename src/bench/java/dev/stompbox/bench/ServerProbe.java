package dev.stompbox.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;

import com.sun.management.OperatingSystemMXBean;

/**
 * What the servers and the generator cost: CPU time ({@code utime + stime} of
 * {@code /proc/PID/stat}), write system calls ({@code syscw} of {@code /proc/PID/io}) and
 * resident memory ({@code VmRSS} of {@code /proc/PID/status}) of the server processes given
 * with {@code --server-pids}, heap in use from each target's {@code /actuator/prometheus}
 * ({@code jvm_memory_used_bytes{area="heap"}}, read with a {@code stompbox:publish} token, which
 * the server accepts there as it does {@code stompbox:metrics}), and this process's own CPU
 * time and RSS.
 */
final class ServerProbe {

	/** A reading; a value is -1 when it could not be read. */
	record Sample(long nanoTime, long serverCpuNanos, long serverWriteCalls, long serverRssBytes,
			long serverHeapBytes, long ownCpuNanos, long ownRssBytes) {
	}

	private static final Duration RSS_SETTLE_POLL = Duration.ofMillis(500);

	private static final Duration RSS_SETTLE_TIMEOUT = Duration.ofSeconds(15);

	/** Readings half a second apart that differ by less than this count as settled. */
	private static final long RSS_SETTLED_WITHIN_BYTES = 1024 * 1024;

	private final List<Long> pids;

	private final List<Target> targets;

	private final HttpClient http;

	private final Function<Target, String> tokens;

	private final Map<Target, String> scrapeTokens = new ConcurrentHashMap<>();

	private final long nanosPerTick;

	ServerProbe(List<Long> pids, List<Target> targets, HttpClient http, Function<Target, String> tokens) {
		this.pids = pids;
		this.targets = targets.stream().distinct().toList();
		this.http = http;
		this.tokens = tokens;
		this.nanosPerTick = pids.isEmpty() ? 0 : TimeUnit.SECONDS.toNanos(1) / clockTicksPerSecond();
		for (long pid : pids) {
			if (!Files.exists(Path.of("/proc/" + pid + "/stat"))) {
				throw new IllegalArgumentException("--server-pids: no process " + pid);
			}
		}
	}

	boolean hasPids() {
		return !this.pids.isEmpty();
	}

	/** CPU, write calls and RSS only: cheap enough to read at a window's edges. */
	Sample sample() {
		return new Sample(System.nanoTime(), serverCpuNanos(), serverWriteCalls(), serverRss(), -1, ownCpuNanos(),
				rss("self"));
	}

	/** As {@link #sample()} plus the heap, which takes a scrape of every target. */
	Sample sampleWithHeap() {
		Sample sample = sample();
		return new Sample(sample.nanoTime(), sample.serverCpuNanos(), sample.serverWriteCalls(),
				sample.serverRssBytes(), heapUsed(), sample.ownCpuNanos(), sample.ownRssBytes());
	}

	/**
	 * Asks each server JVM for a full GC ({@code jcmd PID GC.run}) so heap and RSS readings
	 * settle, then waits for the RSS to stop falling: G1 returns the regions a GC freed on a
	 * background task after the GC, and a reading taken at once counts them (measured: 1,088
	 * MiB right after, 461 MiB half a second later).
	 */
	void collectGarbage() {
		runFullGc();
		awaitSettledRss();
	}

	private void awaitSettledRss() {
		long deadline = System.nanoTime() + RSS_SETTLE_TIMEOUT.toNanos();
		long previous = serverRss();
		while (previous >= 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(RSS_SETTLE_POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			long current = serverRss();
			if (current < 0 || previous - current < RSS_SETTLED_WITHIN_BYTES) {
				return;
			}
			previous = current;
		}
	}

	private void runFullGc() {
		String jcmd = ProcessHandle.current().info().command()
			.map((java) -> Path.of(java).resolveSibling("jcmd").toString())
			.orElse("jcmd");
		for (long pid : this.pids) {
			try {
				Process process = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
					System.err.println("jcmd " + pid + " GC.run failed; heap and RSS readings include garbage");
				}
			}
			catch (IOException ex) {
				System.err.println("jcmd not runnable (" + ex.getMessage() + "); heap and RSS readings include garbage");
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private long serverCpuNanos() {
		long ticks = sumOverServers(ServerProbe::cpuTicks);
		return (ticks < 0) ? -1 : ticks * this.nanosPerTick;
	}

	/**
	 * The servers' write system calls so far, which tell a server that writes each frame on its
	 * own from one that gathers the frames queued for a connection into one {@code writev}, on
	 * any machine. -1 where {@code /proc/PID/io} cannot be read: not Linux, or a process of
	 * another user (unlike {@code stat}, only its owner may read it).
	 */
	private long serverWriteCalls() {
		return sumOverServers(ServerProbe::readWriteCalls);
	}

	private long serverRss() {
		return sumOverServers((pid) -> rss(Long.toString(pid)));
	}

	/** One reading summed over the servers; -1 when there are none or it cannot be read for one. */
	private long sumOverServers(LongUnaryOperator reading) {
		if (this.pids.isEmpty()) {
			return -1;
		}
		long total = 0;
		for (long pid : this.pids) {
			long value = reading.applyAsLong(pid);
			if (value < 0) {
				return -1;
			}
			total += value;
		}
		return total;
	}

	/** User and system clock ticks of one process; -1 if unreadable. */
	private static long cpuTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			// The command name in parentheses may hold spaces: fields are counted after its ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	private static long readWriteCalls(long pid) {
		try {
			return writeCalls(Files.readString(Path.of("/proc/" + pid + "/io")));
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * The {@code syscw} line of one {@code /proc/PID/io}: the kernel sums it over all the
	 * process's threads, living and ended, so one read counts the whole server. -1 if absent.
	 */
	static long writeCalls(String io) {
		for (String line : io.split("\n")) {
			if (line.startsWith("syscw:")) {
				return Long.parseLong(line.substring("syscw:".length()).trim());
			}
		}
		return -1;
	}

	private static long rss(String pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or the process is gone
		}
		return -1;
	}

	private long heapUsed() {
		long total = 0;
		for (Target target : this.targets) {
			try {
				String token = this.scrapeTokens.computeIfAbsent(target, this.tokens);
				HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(target.http("/actuator/prometheus"))
					.timeout(Duration.ofSeconds(10))
					.header("Authorization", "Bearer " + token)
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 200) {
					return -1;
				}
				total += heapUsed(response.body());
			}
			catch (IOException | RuntimeException ex) {
				return -1;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return -1;
			}
		}
		return total;
	}

	/** The sum of {@code jvm_memory_used_bytes} over the heap pools of one scrape. */
	static long heapUsed(String prometheus) {
		double total = 0;
		for (String line : prometheus.split("\n")) {
			if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
				total += Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).trim().split(" ")[0]);
			}
		}
		return (long) total;
	}

	private static long ownCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static long clockTicksPerSecond() {
		try {
			Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			if (process.waitFor(5, TimeUnit.SECONDS) && !out.isEmpty()) {
				return Long.parseLong(out);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the usual value below
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 100;
	}

}
