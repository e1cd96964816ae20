package dev.stompbox.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * {@code hostile}: bystanders in rooms exchange messages at a fixed rate (open loop, as in
 * {@link Fanout}) and measure delivery latency and losses, first in a quiet phase, then
 * while a few {@link Attacker}s flood the same instances with hostile frames, each of which
 * must be answered. PROTOCOL.md section 5: no bad input from one client affects another
 * client's connection; the figure of merit is the bystanders' p99 under attack against the
 * quiet one, with nothing lost and every hostile frame answered.
 */
final class Hostile extends Workload {

	private final int roomCount;

	private final int bystanders;

	private final long deliveryRate;

	private final long warmupNanos;

	private final long phaseNanos;

	private final long prewarmNanos;

	private final int attackerCount;

	private final int burst;

	private final int maxFrameBytes;

	private final Duration answerTimeout;

	private final Set<Attacker.Kind> kinds;

	private final List<Room> rooms = new ArrayList<>();

	private final byte[] payload = new byte[4096];

	private final ByteBuffer frame = ByteBuffer.allocateDirect(4096 + Wire.MAX_HEADER);

	private final Attacker.Tally tally = new Attacker.Tally();

	private long sent;

	private long unsent;

	Hostile(Options options, PrintStream log) {
		super(options, log);
		this.roomCount = options.integer("rooms", 4);
		this.bystanders = options.integer("bystanders", 10);
		this.deliveryRate = options.number("rate", 2000);
		this.warmupNanos = (long) (options.decimal("warmup", 3) * 1e9);
		this.phaseNanos = (long) (options.decimal("phase", 20) * 1e9);
		this.prewarmNanos = (long) (options.decimal("prewarm", 0) * 1e9);
		this.attackerCount = options.integer("attackers", 4);
		this.burst = options.integer("burst", 150);
		this.maxFrameBytes = options.integer("max-frame-size", 65536);
		this.answerTimeout = Duration.ofMillis((long) (options.decimal("answer-timeout", 10) * 1000));
		List<String> kindLabels = options.list("kinds");
		this.kinds = kindLabels.isEmpty() ? EnumSet.allOf(Attacker.Kind.class)
				: EnumSet.copyOf(kindLabels.stream().map(Attacker.Kind::of).toList());
		if (this.roomCount < 1 || this.bystanders < 2 || this.deliveryRate <= 0 || this.phaseNanos <= 0
				|| this.attackerCount < 0 || this.burst < 0 || this.prewarmNanos < 0) {
			throw new IllegalArgumentException(
					"--rooms, --rate and --phase must be positive, --bystanders at least 2, --attackers, --burst and --prewarm not negative");
		}
	}

	@Override
	Report run() throws Exception {
		for (int r = 0; r < this.roomCount; r++) {
			this.rooms.add(new Room(this.runId + "-r" + r));
		}
		for (int s = 0; s < this.bystanders; s++) {
			for (Room room : this.rooms) {
				room.members.add(connection(userId(this.connections.size()), room.id, false));
			}
		}
		Report report = report("hostile").setting("rooms", this.roomCount)
			.setting("bystanders_per_room", this.bystanders)
			.setting("target_dlv_per_s", this.deliveryRate)
			.setting("phase_s", this.phaseNanos / 1e9)
			.setting("attackers", this.attackerCount)
			.setting("burst", this.burst)
			.setting("prewarm_s", this.prewarmNanos / 1e9)
			.setting("kinds", (this.kinds.size() == Attacker.Kind.values().length) ? "all"
					: String.join(",", this.kinds.stream().map(Attacker.Kind::label).toList()));
		fetchTokens();
		this.log.printf("hostile: connecting %d bystanders to %d rooms on %d target(s)%n", this.connections.size(),
				this.roomCount, this.targets.size());
		connectAll(this.connections);
		this.reconnect = false;

		long lostBefore = 0;
		if (this.prewarmNanos > 0) {
			// A fresh JVM compiles the attackers' paths during the first flood, and on a 2-core box
			// its compiler threads take the bystanders' cores: a flood before the measured phases
			// has the compiler done with those paths before either phase is measured.
			Map<String, Object> warm = report.step();
			warm.put("phase", "prewarm");
			Attack attack = startAttackers("w");
			phase(warm, this.prewarmNanos);
			attack.stop(this.answerTimeout);
			lostBefore = lost();
			warm.put("lost", lostBefore);
			warm.put("hostile_sent", this.tally.sent());
			warm.put("hostile_answered", this.tally.answered());
		}

		Map<String, Object> quiet = report.step();
		quiet.put("phase", "quiet");
		phase(quiet, this.phaseNanos);
		long lostQuiet = lost();
		quiet.put("lost", lostQuiet - lostBefore);

		long sentBefore = this.tally.sent();
		long answeredBefore = this.tally.answered();
		Attack attack = startAttackers("a");
		Map<String, Object> flood = report.step();
		flood.put("phase", "flood");
		phase(flood, this.phaseNanos);
		attack.stop(this.answerTimeout);
		long lostAll = lost();
		flood.put("lost", lostAll - lostQuiet);
		flood.put("hostile_sent", this.tally.sent() - sentBefore);
		flood.put("hostile_answered", this.tally.answered() - answeredBefore);

		double quietP99 = ((Number) quiet.get("p99_ms")).doubleValue();
		double floodP99 = ((Number) flood.get("p99_ms")).doubleValue();
		Map<String, Object> unanswered = new LinkedHashMap<>();
		Map<String, Object> sentByKind = new LinkedHashMap<>();
		for (Attacker.Kind kind : Attacker.Kind.values()) {
			long sentKind = this.tally.sent.get(kind).sum();
			sentByKind.put(kind.label(), sentKind);
			long missing = sentKind - this.tally.answered.get(kind).sum();
			if (missing != 0) {
				unanswered.put(kind.label(), missing);
			}
		}
		Map<String, Long> answers = new TreeMap<>();
		this.tally.answers.forEach((what, count) -> answers.put(what, count.sum()));
		report.total("quiet_p99_ms", quietP99)
			.total("flood_p99_ms", floodP99)
			.total("p99_ratio", floodP99 / quietP99)
			.total("messages", this.sent)
			.total("unsent", this.unsent)
			.total("bystander_lost", lostAll)
			.total("bystander_disconnects", this.disconnects.sum())
			.total("bystander_duplicates", this.connections.stream().mapToLong(Connection::duplicates).sum())
			.total("bystander_problems", problems())
			.total("hostile_sent", this.tally.sent())
			.total("hostile_answered", this.tally.answered())
			.total("hostile_unanswered", unanswered)
			.total("hostile_sent_by_kind", sentByKind)
			.total("hostile_answers", answers)
			.total("attacker_connections", this.tally.connections.sum())
			.total("attacker_closes", this.tally.closes.sum())
			.total("attacker_failed_connects", this.tally.refusedConnects.sum());
		return report;
	}

	/** Starts the attackers; {@code tag} keeps each round's users apart from the last round's. */
	private Attack startAttackers(String tag) {
		List<Attacker> attackers = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int a = 0; a < this.attackerCount; a++) {
			String name = this.runId + "-" + tag + a;
			Target target = this.targets.get(a % this.targets.size());
			Attacker attacker = new Attacker(a, name, target, this.tokens.forUser(name, target), this.kinds, this.burst,
					this.maxFrameBytes, this.answerTimeout, this.tally, this.http);
			Thread thread = new Thread(attacker, "bench-attacker-" + tag + a);
			thread.setDaemon(true);
			attackers.add(attacker);
			threads.add(thread);
		}
		threads.forEach(Thread::start);
		return new Attack(attackers, threads);
	}

	/** Attackers under way and their threads. */
	private record Attack(List<Attacker> attackers, List<Thread> threads) {

		/** Stops the attackers and waits until each has its last connection's answers. */
		void stop(Duration answerTimeout) throws InterruptedException {
			this.attackers.forEach(Attacker::stop);
			for (Thread thread : this.threads) {
				thread.join(answerTimeout.toMillis() * 3 + 20_000);
			}
		}

	}

	/** One phase: a warm-up, then the measured window; latencies of messages due in the window. */
	private void phase(Map<String, Object> row, long phaseNanos) {
		double interval = 1e9 / ((double) this.deliveryRate / this.bystanders);
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
		long windowStart = start + this.warmupNanos;
		long windowEnd = windowStart + phaseNanos;
		this.windowFrom = MicroClock.micros(windowStart);
		this.windowTo = MicroClock.micros(windowEnd);
		this.latency.reset();
		this.log.printf("hostile: %s phase, %d deliveries/s%n", row.get("phase"), this.deliveryRate);
		long deliveredFrom = -1;
		ServerProbe.Sample from = null;
		for (long k = 0;; k++) {
			long due = start + (long) (k * interval);
			if (due - windowEnd >= 0) {
				break;
			}
			long now = System.nanoTime();
			if (deliveredFrom < 0 && now - windowStart >= 0) {
				deliveredFrom = this.delivered.sum();
				from = this.probe.sample();
			}
			if (due - now > 0) {
				LockSupport.parkNanos(due - now);
			}
			publish(k, MicroClock.micros(due));
		}
		while (System.nanoTime() - windowEnd < 0) {
			LockSupport.parkNanos(windowEnd - System.nanoTime());
		}
		long deliveredTo = this.delivered.sum();
		ServerProbe.Sample to = this.probe.sample();
		boolean drained = drain(this.delivered::sum, expected());
		row.put("dlv_per_s", (deliveredTo - Math.max(0, deliveredFrom)) / (phaseNanos / 1e9));
		Histogram histogram = this.latency.getIntervalHistogram();
		latencyColumns(row, "", histogram);
		if (from != null) {
			// Where the machine's cores went: the servers' (with --server-pids) and this generator's,
			// attackers included, which on one box compete with the servers.
			Map<String, Object> cost = map();
			costColumns(cost, from, to, deliveredTo - deliveredFrom);
			row.put("srv_cores", cost.get("srv_cores"));
			row.put("gen_cores", cost.get("gen_cores"));
			row.put("load", loadAverage());
		}
		row.put("drained", drained);
	}

	private static double loadAverage() {
		try {
			return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
		}
		catch (java.io.IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	private void publish(long k, long intendedMicros) {
		Room room = this.rooms.get((int) (k % this.roomCount));
		byte[] a = this.payload;
		int p = Wire.put(a, 0, room.sendPrefix);
		p = Wire.put(a, p, SEQ_PREFIX);
		p = Wire.putLong(a, p, room.sent);
		p = Wire.put(a, p, T_PREFIX);
		p = Wire.putLong(a, p, intendedMicros);
		p = Wire.put(a, p, END);
		this.frame.clear();
		Wire.put(this.frame, Wire.OP_TEXT, a, 0, p);
		this.frame.flip();
		int members = room.members.size();
		for (int tries = 0; tries < members; tries++) {
			Connection publisher = room.members.get(room.nextPublisher);
			room.nextPublisher = (room.nextPublisher + 1) % members;
			if (publisher.ready && publisher.send(this.frame.position(0))) {
				room.sent++;
				this.sent++;
				return;
			}
		}
		this.unsent++;
	}

	private static final byte[] SEQ_PREFIX = Wire.bytes("{\"body\":{\"seq\":");

	private static final byte[] T_PREFIX = Wire.bytes(",\"t\":");

	private static final byte[] END = Wire.bytes("}}\0");

	private long expected() {
		return this.rooms.stream().mapToLong((room) -> room.sent * room.members.size()).sum();
	}

	/** Messages sent to a bystander's room that it never received, over all bystanders. */
	private long lost() {
		barrier();
		long lost = 0;
		for (Room room : this.rooms) {
			for (Connection member : room.members) {
				lost += room.sent - member.seenBelow(room.sent);
			}
		}
		return lost;
	}

	private static final class Room {

		final String id;

		final byte[] sendPrefix;

		final List<Connection> members = new ArrayList<>();

		long sent;

		int nextPublisher;

		Room(String id) {
			this.id = id;
			this.sendPrefix = Wire.bytes("SEND\ndestination:/app/rooms/" + id
					+ "/messages\ncontent-type:application/json\n\n");
		}

	}

}
