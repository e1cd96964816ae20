package dev.stompbox.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.redis.RedisConnections;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.RawSockJsSession;
import dev.stompbox.support.RawSockJsSession.Answer;
import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.RoundRobinHttpProxy;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SockJS's HTTP transports with no session affinity (PROTOCOL.md section 1): every
 * request of a session may reach either instance. Raw requests alternate between the two
 * as a round-robin balancer would send them; Spring's SockJS client goes through such a
 * balancer, which also refuses WebSocket upgrades.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
// The latency test sends faster than a client may.
@ClusterTest(properties = "stompbox.rate-limit=100000")
class ClusterSockJsRelayIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	static RedisTestServer redis;

	static StompboxCluster cluster;

	static int a;

	static int b;

	@BeforeAll
	static void namePorts() {
		a = cluster.port(0);
		b = cluster.port(1);
	}

	@Test
	void anXhrPollingSessionTakesRequestsOnEitherInstanceWithEveryMessageOnceInOrder() throws Exception {
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("alice"))) {
			Poller poller = Poller.connected(session);
			String room = "poll-room";
			assertThat(session.send(a, subscribe("acks", "/user/queue/acks", "r-acks"))).isEqualTo(204);
			assertThat(session.send(b, subscribe("room", "/topic/rooms/" + room, "r-room"))).isEqualTo(204);
			poller.until((frame) -> frame.contains("receipt-id:r-room"));
			assertThat(session.send(a, join(room))).isEqualTo(204);
			poller.until((frame) -> frame.contains("\"type\":\"join\""));

			int count = 30;
			for (int i = 0; i < count; i++) {
				assertThat(session.send((i % 2 == 0) ? b : a, message(room, i, 0))).isEqualTo(204);
				if (i % 5 == 4) {
					poller.pollOnce();
				}
			}
			poller.until((frame) -> roomTexts(poller.frames).size() >= count);
			// A frame after them all: a message delivered twice would most likely come
			// before it.
			Thread.sleep(300);
			assertThat(session.send(b, subscribe("end", "/user/queue/errors", "r-end"))).isEqualTo(204);
			poller.until((frame) -> frame.contains("receipt-id:r-end"));
			assertThat(roomTexts(poller.frames)).containsExactlyElementsOf(expected(count));
			assertThat(poller.polls).allSatisfy((instance, polls) -> assertThat(polls).isGreaterThan(3));
		}
	}

	@Test
	void anXhrStreamingSessionStreamsFromEitherInstanceWithEveryMessageOnceInOrder() throws Exception {
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("bea"))) {
			Streamer streamer = new Streamer(session, a);
			assertThat(streamer.next()).isEqualTo("o");
			assertThat(session.send(b, connect())).isEqualTo(204);
			streamer.until((frame) -> frame.startsWith("CONNECTED"));
			String room = "stream-room";
			assertThat(session.send(b, subscribe("acks", "/user/queue/acks", "r-acks"),
					subscribe("room", "/topic/rooms/" + room, "r-room")))
				.isEqualTo(204);
			streamer.until((frame) -> frame.contains("receipt-id:r-room"));
			assertThat(session.send(a, join(room))).isEqualTo(204);
			streamer.until((frame) -> frame.contains("\"type\":\"join\""));

			// Big enough that the 512 KiB a streaming response carries ends it every ~16
			// messages:
			// the client streams from A, then B, then A again.
			int count = 40;
			for (int i = 0; i < count; i++) {
				assertThat(session.send((i % 2 == 0) ? b : a, message(room, i, 30_000))).isEqualTo(204);
			}
			streamer.until((frame) -> roomTexts(streamer.frames).size() >= count);
			assertThat(roomTexts(streamer.frames)).containsExactlyElementsOf(expected(count));
			assertThat(streamer.streams).as("streaming requests, by instance").containsKeys(a, b);
			assertThat(streamer.streams.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(3);
		}
	}

	@Test
	void anotherUsersTokenGets404OnEveryInstance() throws Exception {
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("carl"))) {
			Poller poller = Poller.connected(session);
			try (RawSockJsSession intruder = session.as(TestTokens.forUser("mallory"))) {
				for (int port : new int[] { a, b }) {
					assertThat(intruder.send(port, subscribe("m", "/user/queue/acks", "mallory-" + port)))
						.as("xhr_send on %s", port)
						.isEqualTo(404);
					assertThat(intruder.post(port, "xhr", "").statusCode()).as("xhr on %s", port).isEqualTo(404);
					assertThat(intruder.post(port, "xhr_streaming", "").statusCode()).as("xhr_streaming on %s", port)
						.isEqualTo(404);
				}
			}
			try (RawSockJsSession forged = session.as(TestTokens.forUser("carl") + "x")) {
				assertThat(forged.send(b, subscribe("f", "/user/queue/acks", "forged"))).isEqualTo(404);
			}
			assertThat(session.send(b, subscribe("c", "/user/queue/acks", "carl-1"))).isEqualTo(204);
			poller.until((frame) -> frame.contains("receipt-id:carl-1"));
			assertThat(poller.frames).noneMatch((frame) -> frame.contains("mallory") || frame.contains("forged"));
		}
	}

	@Test
	void aSessionClosedOnItsInstanceGets404OnTheOther() throws Exception {
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("dora"))) {
			Poller.connected(session);
			assertThat(session.send(b, "DISCONNECT\nreceipt:bye\n\n\u0000")).isEqualTo(204);
			await().atMost(TIMEOUT)
				.until(() -> session.send(b, subscribe("x", "/user/queue/acks", "late")) == 404
						&& session.send(a, subscribe("y", "/user/queue/acks", "late")) == 404);
		}
	}

	@Test
	void anOversizedXhrSendOnTheOtherInstanceGets413AndEndsTheSessionWhereItIs() throws Exception {
		String oversized = JSON
			.writeValueAsString(List.of("SEND\ndestination:/app/x\n\n" + "x".repeat(200_000) + "\u0000"));
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("gus"))) {
			Poller poller = Poller.connected(session);
			try (RawSockJsSession intruder = session.as(TestTokens.forUser("mallory"))) {
				assertThat(intruder.post(b, "xhr_send", oversized).statusCode()).isEqualTo(413);
			}
			assertThat(session.send(b, subscribe("alive", "/user/queue/acks", "r-alive"))).isEqualTo(204);
			poller.until((frame) -> frame.contains("receipt-id:r-alive"));

			// A poll waiting at the session's instance, as a client keeps one, takes the
			// ERROR frame.
			CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> {
				try {
					return session.poll(a);
				}
				catch (IOException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			Thread.sleep(500);
			assertThat(session.post(b, "xhr_send", oversized).statusCode()).isEqualTo(413);
			List<String> frames = new ArrayList<>(waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).messages());
			String close = null;
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (close == null && System.nanoTime() < deadline) {
				Answer answer = session.poll(a);
				frames.addAll(answer.messages());
				if (answer.kind() == 'c') {
					close = answer.body();
				}
			}
			assertThat(frames).anyMatch((frame) -> frame.startsWith("ERROR") && frame.contains("message:too-large"));
			// Closed 1009 while no poll waited: the next one hears SockJS's "go away".
			assertThat(close).matches("c\\[(1009|3000),.*");
			await().atMost(TIMEOUT).until(() -> session.send(b, subscribe("z", "/user/queue/acks", "late")) == 404);
		}
	}

	@Test
	void aSessionWhoseInstanceCrashedGets404OnTheOthers() throws Exception {
		ConfigurableApplicationContext doomed = cluster.startInstance("node-crashing");
		int c = ((WebServerApplicationContext) doomed).getWebServer().getPort();
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("hal"))) {
			assertThat(session.poll(c).kind()).isEqualTo('o');
			assertThat(session.send(b, connect())).isEqualTo(204);
			Answer connected = session.poll(a);
			assertThat(connected.messages()).anyMatch((frame) -> frame.startsWith("CONNECTED"));
			// Its Redis connections drop at once, as a crashed instance's do; its record
			// stays.
			doomed.getBean(RedisConnections.class).close();
			assertThat(session.send(b, subscribe("x", "/user/queue/acks", "after-crash"))).isEqualTo(404);
			assertThat(session.post(a, "xhr", "").statusCode()).isEqualTo(404);
		}
		finally {
			doomed.close();
		}
	}

	@Test
	void springsSockJsClientWorksThroughARoundRobinBalancerThatRefusesWebSockets() {
		try (RoundRobinHttpProxy proxy = RoundRobinHttpProxy.to(a, b);
				StompTestClient streaming = StompTestClient.connect(proxy.port(), TestTokens.forUser("erin"),
						Transport.SOCKJS_XHR);
				StompTestClient polling = StompTestClient.connect(proxy.port(), TestTokens.forUser("finn"),
						Transport.SOCKJS_XHR_POLLING)) {
			String room = "proxied";
			BlockingQueue<Received> atStreaming = streaming.subscribeAndJoin(room);
			BlockingQueue<Received> atPolling = polling.subscribeAndJoin(room);
			List<String> sent = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				Rooms.send(streaming, room, "e" + i, Map.of("text", "erin-" + i));
				sent.add("erin-" + i);
				Rooms.send(polling, room, "f" + i, Map.of("text", "finn-" + i));
				sent.add("finn-" + i);
			}
			for (BlockingQueue<Received> queue : List.of(atStreaming, atPolling)) {
				List<String> texts = Rooms.take(queue, sent.size(), TIMEOUT)
					.stream()
					.map((message) -> message.path("body").path("text").asString())
					.toList();
				assertThat(texts).containsExactlyElementsOf(sent);
				assertThat(StompTestClient.poll(queue, Duration.ofMillis(500))).as("a message twice").isNull();
			}
			assertThat(proxy.requests()).isGreaterThan(20);
		}
	}

	/**
	 * Measures what a relayed frame adds: round trips of a frame the server answers
	 * without Redis ({@code SUBSCRIBE /app/instance}), sent with {@code xhr_send} and
	 * answered on an {@code xhr_streaming} response, all on the session's own instance,
	 * then all on the other. Prints the latencies and the Redis commands each round trip
	 * cost.
	 */
	@Test
	void relayCostIsMeasured() throws Exception {
		int rounds = 300;
		try (StatefulRedisConnection<String, String> probe = RedisClient.create(redis.url()).connect()) {
			Measured local = roundTrips(a, rounds, probe);
			Measured relayed = roundTrips(b, rounds, probe);
			System.out.printf("SockJS relay cost over %d round trips (xhr_send + one frame on xhr_streaming):%n",
					rounds);
			for (Map.Entry<String, Measured> entry : Map.of("local", local, "relayed", relayed).entrySet()) {
				Measured m = entry.getValue();
				System.out.printf(
						"  %-8s round trip median %.3f ms, p90 %.3f ms, p99 %.3f ms; xhr_send alone median %.3f ms,"
								+ " p90 %.3f ms; Redis commands/round trip %s%n",
						entry.getKey(), m.percentile(50), m.percentile(90), m.percentile(99), m.sendPercentile(50),
						m.sendPercentile(90), m.perRound());
			}
			for (String kind : List.of("send", "receive")) {
				Timer timer = cluster.bean(1, MeterRegistry.class)
					.get("stompbox.sockjs.relay")
					.tag("kind", kind)
					.timer();
				System.out.printf(
						"  stompbox.sockjs.relay{kind=%s} at the relaying instance: %d, mean %.3f ms, max %.3f ms%n",
						kind, timer.count(), timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS));
			}
			assertThat(relayed.commands().getOrDefault("publish", 0L)).isGreaterThanOrEqualTo(2L * rounds);
		}
	}

	/**
	 * A session opened on A; its requests, after the opening one, all go to the given
	 * instance.
	 */
	private Measured roundTrips(int port, int rounds, StatefulRedisConnection<String, String> probe) throws Exception {
		try (RawSockJsSession session = RawSockJsSession.withToken(TestTokens.forUser("bench-" + port))) {
			Streamer opening = new Streamer(session, a);
			assertThat(opening.next()).isEqualTo("o");
			assertThat(session.send(port, connect())).isEqualTo(204);
			opening.until((frame) -> frame.startsWith("CONNECTED"));
			Streamer streamer = (port == a) ? opening : opening.reopenOn(port);
			for (int i = 0; i < 20; i++) {
				echo(session, streamer, port, "warm-" + i);
			}
			Map<String, Long> before = commandStats(probe);
			double[] millis = new double[rounds];
			double[] sends = new double[rounds];
			for (int i = 0; i < rounds; i++) {
				long started = System.nanoTime();
				assertThat(session.send(port, "SUBSCRIBE\nid:r" + i + "\ndestination:/app/instance\n\n\u0000"))
					.isEqualTo(204);
				sends[i] = (System.nanoTime() - started) / 1e6;
				String id = "r" + i;
				streamer.until((frame) -> frame.contains("subscription:" + id + "\n"));
				millis[i] = (System.nanoTime() - started) / 1e6;
			}
			Map<String, Long> after = commandStats(probe);
			Map<String, Long> used = new TreeMap<>();
			after.forEach((command, calls) -> {
				long delta = calls - before.getOrDefault(command, 0L);
				if (delta > 0 && !command.equals("info") && !command.equals("ping")) {
					used.put(command, delta);
				}
			});
			return new Measured(millis, sends, used, rounds);
		}
	}

	private static void echo(RawSockJsSession session, Streamer streamer, int port, String id) throws Exception {
		assertThat(session.send(port, "SUBSCRIBE\nid:" + id + "\ndestination:/app/instance\n\n\u0000")).isEqualTo(204);
		streamer.until((frame) -> frame.contains("subscription:" + id + "\n"));
	}

	private static Map<String, Long> commandStats(StatefulRedisConnection<String, String> probe) {
		Map<String, Long> calls = new TreeMap<>();
		for (String line : probe.sync().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				String stats = line.substring(line.indexOf(':') + 1);
				for (String stat : stats.split(",")) {
					if (stat.startsWith("calls=")) {
						calls.put(command, Long.parseLong(stat.substring("calls=".length())));
					}
				}
			}
		}
		return calls;
	}

	record Measured(double[] millis, double[] sends, Map<String, Long> commands, int rounds) {

		double percentile(int p) {
			return percentile(this.millis, p);
		}

		double sendPercentile(int p) {
			return percentile(this.sends, p);
		}

		static double percentile(double[] values, int p) {
			double[] sorted = values.clone();
			Arrays.sort(sorted);
			return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
		}

		String perRound() {
			StringBuilder text = new StringBuilder();
			long total = 0;
			for (Map.Entry<String, Long> entry : this.commands.entrySet()) {
				total += entry.getValue();
				text.append(String.format(" %s=%.2f", entry.getKey(), entry.getValue() / (double) this.rounds));
			}
			return String.format("%.2f (%s )", total / (double) this.rounds, text.toString().trim());
		}

	}

	private static String connect() {
		return "CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\u0000";
	}

	private static String subscribe(String id, String destination, String receipt) {
		return "SUBSCRIBE\nid:" + id + "\ndestination:" + destination + "\nreceipt:" + receipt + "\n\n\u0000";
	}

	private static String join(String room) {
		return "SEND\ndestination:/app/rooms/" + room + "/join\ncontent-type:application/json\n\n"
				+ "{\"requestId\":\"join-1\"}\u0000";
	}

	private static String message(String room, int i, int padding) {
		String body = JSON.writeValueAsString(
				Map.of("requestId", "m" + i, "body", Map.of("text", "m" + i, "pad", "x".repeat(padding))));
		return "SEND\ndestination:/app/rooms/" + room + "/messages\ncontent-type:application/json\n\n" + body
				+ "\u0000";
	}

	private static List<String> expected(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "m" + i).toList();
	}

	/** The texts of the room messages among the frames, in the order they came. */
	private static List<String> roomTexts(List<String> frames) {
		List<String> texts = new ArrayList<>();
		for (String frame : frames) {
			if (frame.startsWith("MESSAGE\n") && frame.contains("\ndestination:/topic/rooms/")
					&& !frame.contains("/presence\n")) {
				String body = frame.substring(frame.indexOf("\n\n") + 2).replace("\u0000", "");
				texts.add(JSON.readTree(body).path("body").path("text").asString());
			}
		}
		return texts;
	}

	/** Polls the session, on A and B in turn, keeping every STOMP frame received. */
	private static final class Poller {

		private final RawSockJsSession session;

		private final List<String> frames = new ArrayList<>();

		private final Map<Integer, Integer> polls = new TreeMap<>();

		private int turn;

		Poller(RawSockJsSession session) {
			this.session = session;
		}

		/**
		 * Opens the session with a poll on A, sends its CONNECT through B, and polls
		 * until the CONNECTED frame.
		 */
		static Poller connected(RawSockJsSession session) throws IOException, InterruptedException {
			Poller poller = new Poller(session);
			assertThat(session.poll(a).kind()).isEqualTo('o');
			assertThat(session.send(b, connect())).isEqualTo(204);
			poller.until((frame) -> frame.startsWith("CONNECTED"));
			return poller;
		}

		void pollOnce() throws IOException, InterruptedException {
			int port = (this.turn++ % 2 == 0) ? b : a;
			Answer answer = this.session.poll(port);
			assertThat(answer.status()).as("poll on %s: %s", port, answer.body()).isEqualTo(200);
			assertThat(answer.kind()).as("poll on %s: %s", port, answer.body()).isIn('a', 'h');
			this.polls.merge(port, 1, Integer::sum);
			this.frames.addAll(answer.messages());
		}

		void until(Predicate<String> wanted) throws IOException, InterruptedException {
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			int seen = 0;
			while (System.nanoTime() < deadline) {
				for (; seen < this.frames.size(); seen++) {
					if (wanted.test(this.frames.get(seen))) {
						return;
					}
				}
				pollOnce();
			}
			throw new AssertionError("No such frame in " + this.frames);
		}

	}

	/**
	 * Streams the session; when a streaming response ends, the next one goes to the other
	 * instance, as a round-robin balancer would send it.
	 */
	private static final class Streamer {

		private final RawSockJsSession session;

		private final List<String> frames = new ArrayList<>();

		private final Map<Integer, Integer> streams = new TreeMap<>();

		private BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private int port;

		private boolean alternate = true;

		Streamer(RawSockJsSession session, int port) throws IOException, InterruptedException {
			this.session = session;
			open(port);
		}

		private void open(int at) throws IOException, InterruptedException {
			this.port = at;
			this.lines = new LinkedBlockingQueue<>();
			assertThat(this.session.stream(at, this.lines)).isEqualTo(200);
			this.streams.merge(at, 1, Integer::sum);
		}

		/**
		 * Moves the stream to the instance: a session holds one receiving request at a
		 * time, so the current response is filled up to the 512 KiB that end it (room
		 * messages the session sends itself), and the next one goes to the instance.
		 */
		Streamer reopenOn(int at) throws IOException, InterruptedException {
			this.alternate = false;
			String room = "fill-" + at;
			assertThat(this.session.send(at, subscribe("fill", "/topic/rooms/" + room, "r-fill"),
					subscribe("fill-acks", "/user/queue/acks", "r-fill-acks")))
				.isEqualTo(204);
			until((frame) -> frame.contains("receipt-id:r-fill-acks"));
			assertThat(this.session.send(at, join(room))).isEqualTo(204);
			until((frame) -> frame.contains("\"type\":\"join\""));
			int count = 24;
			for (int i = 0; i < count; i++) {
				assertThat(this.session.send(at, message(room, i, 30_000))).isEqualTo(204);
			}
			String line;
			while (!(line = this.lines.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).equals(Answer.END)) {
				if (line.startsWith("a")) {
					this.frames.addAll(RawSockJsSession.messages(line));
				}
			}
			open(at);
			until((frame) -> roomTexts(this.frames).contains("m" + (count - 1)));
			return this;
		}

		String next() throws InterruptedException {
			while (true) {
				String line = this.lines.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				assertThat(line).as("a frame within %s", TIMEOUT).isNotNull();
				if (!line.equals(Answer.END)) {
					assertThat(line).doesNotStartWith("error");
					return line;
				}
				try {
					open(this.alternate ? ((this.port == a) ? b : a) : this.port);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}

		void until(Predicate<String> wanted) throws InterruptedException {
			int seen = 0;
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				for (; seen < this.frames.size(); seen++) {
					if (wanted.test(this.frames.get(seen))) {
						return;
					}
				}
				String line = next();
				if (line.startsWith("a")) {
					this.frames.addAll(RawSockJsSession.messages(line));
				}
				else {
					assertThat(line).as("a SockJS frame").isIn("h");
				}
			}
			throw new AssertionError("No such frame in " + this.frames.size() + " frames");
		}

	}

}
