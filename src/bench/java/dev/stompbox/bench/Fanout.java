package dev.stompbox.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * {@code fanout}: R rooms of S subscribers each, spread over the targets; messages are sent
 * at a fixed total rate (open loop) by the rooms' own members in turn, each carrying its
 * room's sequence number and its intended send time, so a late send shows as latency
 * rather than as a lower rate (no coordinated omission). Every member receives every
 * message of its room, its own included, so each message is S deliveries.
 */
final class Fanout extends Workload {

	private final int roomCount;

	private final int subscribers;

	private final List<Long> rates;

	private final long messages;

	private final long warmupNanos;

	private final long durationNanos;

	private final boolean ladder;

	private final byte[] padding;

	private final boolean ephemeral;

	private final List<Room> rooms = new ArrayList<>();

	private final byte[] payload = new byte[1 << 20];

	private final ByteBuffer frame = ByteBuffer.allocateDirect((1 << 20) + Wire.MAX_HEADER);

	private long sent;

	private long unsent;

	Fanout(Options options, PrintStream log) {
		super(options, log);
		this.roomCount = options.integer("rooms", 10);
		this.subscribers = options.integer("subscribers", 100);
		this.messages = options.number("messages", -1);
		this.ladder = options.has("ladder");
		this.rates = this.ladder ? ladder(options.string("ladder", "")) : List.of(options.number("rate", 10_000));
		double defaultDuration = this.ladder ? 10 : 30;
		this.warmupNanos = (long) (options.decimal("warmup", this.ladder ? 2 : 5) * 1e9);
		this.durationNanos = (long) (options.decimal("duration", defaultDuration) * 1e9);
		int pad = options.integer("payload", 0);
		this.padding = (pad > 0) ? Wire.bytes(",\"pad\":\"" + "x".repeat(pad) + "\"") : new byte[0];
		this.ephemeral = options.flag("ephemeral");
		if (this.roomCount < 1 || this.subscribers < 1 || this.messages == 0 || this.durationNanos <= 0
				|| this.rates.stream().anyMatch((r) -> r <= 0)) {
			throw new IllegalArgumentException("--rooms, --subscribers, --rate, --messages and --duration must be positive");
		}
	}

	/** {@code 10000,25000,50000} or {@code start:step:max}, in deliveries a second. */
	static List<Long> ladder(String spec) {
		List<Long> steps = new ArrayList<>();
		if (spec.contains(":")) {
			String[] parts = spec.split(":");
			long start = Long.parseLong(parts[0].trim());
			long step = Long.parseLong(parts[1].trim());
			long max = Long.parseLong(parts[2].trim());
			for (long rate = start; rate <= max && step > 0; rate += step) {
				steps.add(rate);
			}
		}
		else {
			for (String rate : spec.split(",")) {
				if (!rate.isBlank()) {
					steps.add(Long.parseLong(rate.trim().replace("_", "")));
				}
			}
		}
		if (steps.isEmpty()) {
			throw new IllegalArgumentException("--ladder needs rates: 10000,25000,50000 or start:step:max");
		}
		return steps;
	}

	@Override
	Report run() {
		for (int r = 0; r < this.roomCount; r++) {
			this.rooms.add(new Room(this.runId + "-r" + r));
		}
		for (int s = 0; s < this.subscribers; s++) {
			for (Room room : this.rooms) {
				room.members.add(connection(userId(this.connections.size()), room.id, false));
			}
		}
		Report report = report("fanout").setting("rooms", this.roomCount)
			.setting("subscribers_per_room", this.subscribers)
			.setting("connections", this.connections.size())
			.setting("payload_pad_bytes", this.options.integer("payload", 0))
			.setting("ephemeral", this.ephemeral);
		fetchTokens();
		this.log.printf("fanout: connecting %d clients to %d rooms on %d target(s)%n", this.connections.size(),
				this.roomCount, this.targets.size());
		long setupNanos = connectAll(this.connections);
		this.reconnect = false;
		report.setting("connects_per_s", Math.round(this.connections.size() / (setupNanos / 1e9)));
		Histogram connect = this.connectTimes.getIntervalHistogram();
		report.setting("connect_p50_ms", connect.getValueAtPercentile(50) / 1000.0)
			.setting("connect_p99_ms", connect.getValueAtPercentile(99) / 1000.0);

		long lostBefore = 0;
		long problemsBefore = problemCount();
		int stepNumber = 0;
		for (long rate : this.rates) {
			stepNumber++;
			Map<String, Object> row = report.step();
			row.put("step", stepNumber);
			row.put("target_dlv_per_s", rate);
			boolean complete = step(rate, row);
			long lost = lost();
			row.put("lost", lost - lostBefore);
			lostBefore = lost;
			long problems = problemCount();
			row.put("problems", problems - problemsBefore);
			problemsBefore = problems;
			row.put("drained", complete);
			double achieved = ((Number) row.get("dlv_per_s")).doubleValue();
			if (this.ladder && (achieved < 0.9 * rate || !complete || (long) row.get("lost") > 0)) {
				row.put("saturated", true);
				this.log.printf("fanout: saturated at %d deliveries/s (achieved %.0f)%n", rate, achieved);
				break;
			}
		}

		barrier();
		long expected = expected();
		report.total("messages", this.sent)
			.total("unsent", this.unsent)
			.total("deliveries", this.delivered.sum())
			.total("expected", expected)
			.total("lost", lost())
			.total("duplicates", this.connections.stream().mapToLong(Connection::duplicates).sum())
			.total("out_of_order", this.connections.stream().mapToLong(Connection::outOfOrder).sum())
			.total("disconnects", this.disconnects.sum())
			.total("problems", problems());
		return report;
	}

	/** One rate: publish, take the window's readings, drain. True when every delivery arrived. */
	private boolean step(long deliveryRate, Map<String, Object> row) {
		double messageRate = (double) deliveryRate / this.subscribers;
		double interval = 1e9 / messageRate;
		boolean counted = this.messages >= 0;
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
		long windowStart = counted ? start : start + this.warmupNanos;
		long windowEnd = counted ? Long.MAX_VALUE : windowStart + this.durationNanos;
		this.windowFrom = counted ? Long.MIN_VALUE : MicroClock.micros(windowStart);
		this.windowTo = counted ? Long.MAX_VALUE : MicroClock.micros(windowEnd);
		this.latency.reset();
		this.log.printf("fanout: step %d deliveries/s = %.1f messages/s over %d rooms%n", deliveryRate, messageRate,
				this.roomCount);

		ServerProbe.Sample from = null;
		long deliveredFrom = 0;
		long sentFrom = 0;
		for (long k = 0;; ) {
			long now = System.nanoTime();
			if (from == null && now - windowStart >= 0) {
				from = this.probe.sample();
				deliveredFrom = this.delivered.sum();
				sentFrom = this.sent;
			}
			long due = start + (long) (k * interval);
			if (counted ? k >= this.messages : due - windowEnd >= 0) {
				break;
			}
			if (due - now > 0) {
				long wake = (from == null) ? Math.min(due, windowStart) : due;
				LockSupport.parkNanos(Math.max(1, wake - now));
				continue;
			}
			publish(k, MicroClock.micros(due));
			k++;
		}
		ServerProbe.Sample to;
		long deliveredTo;
		long sentTo;
		boolean complete;
		if (counted) {
			complete = drain(this.delivered::sum, expected());
			to = this.probe.sample();
			deliveredTo = this.delivered.sum();
			sentTo = this.sent;
		}
		else {
			while (System.nanoTime() - windowEnd < 0) {
				LockSupport.parkNanos(windowEnd - System.nanoTime());
			}
			to = this.probe.sample();
			deliveredTo = this.delivered.sum();
			sentTo = this.sent;
			complete = drain(this.delivered::sum, expected());
		}
		double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
		row.put("msg_per_s", (sentTo - sentFrom) / seconds);
		row.put("dlv_per_s", (deliveredTo - deliveredFrom) / seconds);
		latencyColumns(row, "", this.latency.getIntervalHistogram());
		costColumns(row, from, to, deliveredTo - deliveredFrom);
		return complete;
	}

	/** Message k goes to room k mod R, sent by the next ready member of that room. */
	private void publish(long k, long intendedMicros) {
		Room room = this.rooms.get((int) (k % this.roomCount));
		ByteBuffer bytes = encode(room, room.sent, intendedMicros);
		int members = room.members.size();
		for (int tries = 0; tries < members; tries++) {
			Connection publisher = room.members.get(room.nextPublisher);
			room.nextPublisher = (room.nextPublisher + 1) % members;
			if (publisher.ready && publisher.send(bytes.position(0))) {
				room.sent++;
				this.sent++;
				return;
			}
		}
		this.unsent++;
	}

	private ByteBuffer encode(Room room, long seq, long intendedMicros) {
		byte[] a = this.payload;
		int p = Wire.put(a, 0, room.sendPrefix);
		p = Wire.put(a, p, SEQ_PREFIX);
		p = Wire.putLong(a, p, seq);
		p = Wire.put(a, p, T_PREFIX);
		p = Wire.putLong(a, p, intendedMicros);
		p = Wire.put(a, p, this.padding);
		p = Wire.put(a, p, this.ephemeral ? EPHEMERAL_END : END);
		this.frame.clear();
		Wire.put(this.frame, Wire.OP_TEXT, a, 0, p);
		return this.frame.flip();
	}

	private static final byte[] SEQ_PREFIX = Wire.bytes("{\"body\":{\"seq\":");

	private static final byte[] T_PREFIX = Wire.bytes(",\"t\":");

	private static final byte[] END = Wire.bytes("}}\0");

	private static final byte[] EPHEMERAL_END = Wire.bytes("},\"ephemeral\":true}\0");

	private long expected() {
		return this.rooms.stream().mapToLong((room) -> room.sent * room.members.size()).sum();
	}

	/** Messages sent to a member's room that it never received, over all members; call after {@link #barrier()}. */
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
