package dev.stompbox.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * Stompbox's load generator: STOMP clients over raw non-blocking sockets, a few I/O threads
 * for all of them, and one publisher thread that sends pre-encoded frames on a fixed
 * schedule. Run it with {@code ./mvnw -q -Pbench -Dargs="WORKLOAD --option value ..."}; it
 * prints progress on stderr, then a table and one JSON line on stdout.
 */
public final class LoadGenerator {

	static final String USAGE = """
			usage: ./mvnw -q -Pbench -Dargs="WORKLOAD [--option value ...]"

			workloads
			  fanout   R rooms x S subscribers, messages at a fixed total rate (open loop)
			           --rooms 10 --subscribers 100 --rate 10000 (deliveries/s) --duration 30 --warmup 5
			           --messages N (send exactly N messages, no warm-up)  --ladder 10000,50000,100000 or
			           start:step:max (one step per rate, --duration each, stops at saturation)
			           --payload 0 (extra body bytes) --ephemeral
			  idle     C joined connections held; server RSS and heap per connection
			           --connections 1000 --rooms C/100 --hold 10 (s) --no-gc
			  storm    C joined clients dropped at once (TCP reset), reconnected with jitter and re-joined
			           --clients 1000 --rooms C/100 --jitter-ms 1000 --rounds 1 --pause-ms 1000
			  users    1:1 events to U users through POST /api/users/{id}/events on another instance
			           --users 1000 --rate 1000 (events/s) --duration 30 --warmup 5 --messages N
			           --http-concurrency 64
			  hostile  B bystanders per room exchange messages at a fixed rate, quiet, then next to A attackers
			           flooding hostile frames (each must be answered); p99 of both phases, losses, answers
			           --rooms 4 --bystanders 10 --rate 2000 (deliveries/s) --phase 20 (s) --warmup 3
			           --attackers 4 --burst 150 (frames answered in place per attacker connection)
			           --answer-timeout 10 --max-frame-size 65536 (the servers' STOMPBOX_MAX_FRAME_SIZE)
			           --prewarm 0 (s of flood before the quiet phase, unmeasured, so that both phases meet
			           a server whose JIT compiler has done the attackers' paths)
			           --kinds subscription-flood,join-flood,foreign-subscribe,unknown-app-send,not-joined-send,
			           garbage,content-length-invalid,content-length-negative,content-length-huge,
			           content-length-over-limit,oversized,foreign-send (default all)
			  loopback no server: what the kernel charges this machine for one small write on loopback
			           TCP, the floor under srv_us_per_dlv when each delivery is a write of its own
			           --connections 500 --rate 12500 (writes/s) --bytes 300 --burst 50 --duration 10

			common
			  --targets ws://localhost:8080/ws,...   instances; clients spread round-robin; a target
			                      ws://localhost:8080/sockjs connects through SockJS's websocket transport
			                      (idle, storm, users)
			  --secret S          HS256 key of the servers (default $STOMPBOX_JWT_SECRET); none: demo tokens
			  --server-pids P,... server JVMs to read CPU, write calls and RSS from (/proc); heap comes from /actuator/prometheus
			  --bind 127.0.0.1-127.0.0.4   source addresses, round-robin (about 28k connections each)
			  --io-threads N      selector threads (default: half the cores, 1 to 4)
			  --connect-rate 2000 --max-pending 500 --setup-timeout 300 --drain-timeout 5
			  --run-id ID         prefix of room and user ids (default random)  --quiet
			""";

	private LoadGenerator() {
	}

	public static void main(String[] args) {
		int status = 0;
		try {
			Report report = run(System.err, args);
			if (report != null) {
				report.print(System.out);
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.println();
			System.err.print(USAGE);
			status = 2;
		}
		catch (Exception ex) {
			System.err.println("load generator failed: " + ex);
			status = 1;
		}
		System.out.flush();
		System.exit(status);
	}

	/** Runs one workload and returns its report, or {@code null} for {@code help}. */
	static Report run(PrintStream log, String... args) throws Exception {
		Options options = Options.parse(args);
		if (options.workload().equals("loopback")) {
			LoopbackFloor floor = new LoopbackFloor(options, log);
			options.rejectUnknown();
			return floor.run();
		}
		if (List.of("fanout", "hostile").contains(options.workload())
				&& Target.parseAll(options.list("targets")).stream().anyMatch(Target::sockJs)) {
			throw new IllegalArgumentException(options.workload() + " publishes in WebSocket frames of its own: "
					+ "its targets are /ws endpoints, not /sockjs");
		}
		try (Workload workload = switch (options.workload()) {
			case "fanout" -> new Fanout(options, log);
			case "idle" -> new Idle(options, log);
			case "storm" -> new Storm(options, log);
			case "users" -> new Users(options, log);
			case "hostile" -> new Hostile(options, log);
			case "help", "-h", "--help" -> null;
			default -> throw new IllegalArgumentException("Unknown workload '" + options.workload() + "'");
		}) {
			if (workload == null) {
				log.print(USAGE);
				return null;
			}
			options.rejectUnknown();
			return workload.run();
		}
	}

}
