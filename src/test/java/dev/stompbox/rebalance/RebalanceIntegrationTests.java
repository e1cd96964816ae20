package dev.stompbox.rebalance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.connection.ConnectionRegistry;
import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rebalancing (PROTOCOL.md section 9) on instances that share one Redis, with clients
 * that obey {@code reconnect} notices make-before-break: by revision after a deploy, by
 * load after a scale-out, and nothing at all when it is off. Windows are short here, set
 * as an operator would.
 */
@ClusterTest(instances = 0, perTest = true)
class RebalanceIntegrationTests {

	private static final String WINDOW = "4s";

	private static final long WINDOW_MILLIS = 4000;

	private static final String ROOM = "moving";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	StompboxCluster cluster;

	private final List<MovingClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(MovingClient::close);
	}

	@Test
	@ClusterTest.WithProperties({ "stompbox.rebalance=revision", "stompbox.rebalance-window=" + WINDOW,
			"stompbox.rebalance-settle=1s" })
	void afterADeployEveryClientOfTheOldRevisionMovesToTheNewOneWithinTheWindowLosingNothingWithoutFlicker()
			throws Exception {
		this.cluster.startInstance("r1-a", Map.of("stompbox.revision", "stompbox-00001-abc"));
		this.cluster.startInstance("r1-b", Map.of("stompbox.revision", "stompbox-00001-abc"));
		// The platform sends every new connection to the newest revision once it is up.
		IntSupplier newest = () -> this.cluster.port(this.cluster.size() - 1);
		connect(8, (i) -> this.cluster.port(i % 2), newest);
		try (Publisher publisher = new Publisher(this.cluster.port(0))) {
			publisher.awaitSome(5);
			long deployAt = System.currentTimeMillis();
			this.cluster.startInstance("r2", Map.of("stompbox.revision", "stompbox-00002-xyz"));
			long readyAt = System.currentTimeMillis();
			int r2 = this.cluster.port(2);

			await(() -> this.clients.stream().allMatch((client) -> client.port() == r2),
					Duration.ofMillis(1000 + WINDOW_MILLIS + 5000), "every client on r2");
			long allMovedAt = System.currentTimeMillis();
			publisher.awaitSome(5);
			List<String> published = publisher.stop();

			await(() -> this.clients.stream().allMatch((client) -> client.shown().size() >= published.size()),
					Duration.ofSeconds(5), "every message shown");
			List<MovingClient.Move> moves = new ArrayList<>();
			for (MovingClient client : this.clients) {
				assertThat(client.failures()).as("failures of %s", client.user()).isEmpty();
				assertThat(client.shown()).as("messages %s showed", client.user()).isEqualTo(published);
				assertThat(client.moves()).as("moves of %s", client.user()).singleElement().satisfies((move) -> {
					assertThat(move.reason()).isEqualTo("rebalance");
					assertThat(move.to()).isEqualTo(r2);
				});
				List<JsonNode> flicker = client.presence()
					.stream()
					.filter((event) -> event.path("ts").asLong() >= deployAt)
					.toList();
				assertThat(flicker).as("presence events %s saw after the deploy", client.user()).isEmpty();
				moves.addAll(client.moves());
			}
			assertThat(this.cluster.bean(2, ConnectionRegistry.class).count()).isEqualTo(this.clients.size());
			assertThat(moved(0, "revision") + moved(1, "revision")).isEqualTo(this.clients.size());
			assertThat(moved(2, "revision")).isZero();

			long firstNotice = moves.stream().mapToLong(MovingClient.Move::noticeAt).min().orElseThrow();
			long lastNotice = moves.stream().mapToLong(MovingClient.Move::noticeAt).max().orElseThrow();
			long lastArrival = moves.stream().mapToLong(MovingClient.Move::arrivedAt).max().orElseThrow();
			System.out.printf("Rebalancing timeline (ms after r2 was ready; window %s, settle 1s, %d clients, "
					+ "%d messages): r2 start took %d, first notice %d, last notice %d, last arrival %d, all on r2 %d%n",
					WINDOW, this.clients.size(), published.size(), readyAt - deployAt, firstNotice - readyAt,
					lastNotice - readyAt, lastArrival - readyAt, allMovedAt - readyAt);
			assertThat(lastNotice - firstNotice).as("notices spread over the window")
				.isGreaterThan(WINDOW_MILLIS / 4)
				.isLessThanOrEqualTo(WINDOW_MILLIS + 1000);
		}
	}

	@Test
	@ClusterTest.WithProperties({ "stompbox.rebalance=load", "stompbox.rebalance-window=3s",
			"stompbox.rebalance-min-excess=2" })
	void afterAScaleOutTheLoadedInstanceShedsDownToTheAverageThenStops() throws Exception {
		this.cluster.startInstance("a");
		// A round-robin load balancer over whatever instances run.
		AtomicInteger turn = new AtomicInteger();
		IntSupplier roundRobin = () -> this.cluster.port(Math.floorMod(turn.getAndIncrement(), this.cluster.size()));
		connect(12, (i) -> this.cluster.port(0), roundRobin);
		long scaleOutAt = System.currentTimeMillis();
		this.cluster.startInstance("b");
		ConnectionRegistry a = this.cluster.bean(0, ConnectionRegistry.class);
		ConnectionRegistry b = this.cluster.bean(1, ConnectionRegistry.class);

		await(() -> a.count() == 6 && b.count() == 6, Duration.ofMillis(3000 + 5000),
				() -> "six clients on each, not " + a.count() + " and " + b.count());
		long balancedAt = System.currentTimeMillis();
		// Then it stops: nothing more moves for longer than a whole window.
		Thread.sleep(4000);
		assertThat(a.count()).isEqualTo(6);
		assertThat(b.count()).isEqualTo(6);
		assertThat(moved(0, "load")).isEqualTo(6);
		assertThat(moved(1, "load")).isZero();
		long moves = 0;
		long refusals = 0;
		for (MovingClient client : this.clients) {
			assertThat(client.failures()).as("failures of %s", client.user()).isEmpty();
			moves += client.moves().size();
			refusals += client.moves().stream().mapToLong((move) -> move.refusedBy().size()).sum();
			assertThat(client.moves()).allSatisfy((move) -> assertThat(move.to()).isEqualTo(this.cluster.port(1)));
		}
		assertThat(moves).isEqualTo(6);
		System.out.printf("Load rebalancing: 12 clients on a, b started; 6/6 after %d ms (window 3s); "
				+ "%d handshakes refused by the shedding instance%n", balancedAt - scaleOutAt, refusals);
	}

	@Test
	@ClusterTest.WithProperties({ "stompbox.rebalance-window=2s", "stompbox.rebalance-settle=0s",
			"stompbox.rebalance-min-excess=1" })
	void whenRebalancingIsOffNothingMoves() throws Exception {
		this.cluster.startInstance("r1", Map.of("stompbox.revision", "r1"));
		IntSupplier newest = () -> this.cluster.port(this.cluster.size() - 1);
		connect(6, (i) -> this.cluster.port(0), newest);
		this.cluster.startInstance("r2", Map.of("stompbox.revision", "r2"));
		// Longer than the settle time, a window and the grace of a move together.
		Thread.sleep(5000);
		assertThat(this.cluster.bean(0, ConnectionRegistry.class).count()).isEqualTo(6);
		assertThat(this.clients).allSatisfy((client) -> assertThat(client.moves()).isEmpty());
		assertThat(moved(0, "revision") + moved(0, "load")).isZero();
	}

	/**
	 * Connects {@code count} clients at once, the i-th to the port {@code first} gives
	 * for i.
	 */
	private void connect(int count, IntUnaryOperator first, IntSupplier balancer) {
		List<CompletableFuture<MovingClient>> connecting = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int port = first.applyAsInt(i);
			String user = "user" + i;
			connecting.add(CompletableFuture.supplyAsync(() -> MovingClient.connect(user, ROOM, port, balancer)));
		}
		connecting.forEach((client) -> this.clients.add(client.join()));
	}

	private double moved(int instance, String reason) {
		return this.cluster.bean(instance, MeterRegistry.class)
			.get("stompbox.rebalance.moved")
			.tag("reason", reason)
			.counter()
			.count();
	}

	private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
		await(condition, timeout, () -> what);
	}

	private static void await(BooleanSupplier condition, Duration timeout, Supplier<String> what)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Not within " + timeout + ": " + what.get());
			}
			Thread.sleep(20);
		}
	}

	/**
	 * A backend publishing to the room through the server API, every 50 ms, until
	 * stopped.
	 */
	private static final class Publisher implements AutoCloseable {

		private static final String TOKEN = TestTokens.builder("backend").scope("stompbox:publish").sign();

		private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		private final List<String> ids = new CopyOnWriteArrayList<>();

		private final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final int port;

		private final Thread thread;

		private volatile boolean stopped;

		Publisher(int port) {
			this.port = port;
			this.thread = Thread.ofPlatform().name("publisher").daemon().start(this::run);
		}

		private void run() {
			for (int i = 0; !this.stopped; i++) {
				try {
					HttpRequest request = HttpRequest
						.newBuilder(URI.create("http://localhost:" + this.port + "/api/rooms/" + ROOM + "/messages"))
						.header("Authorization", "Bearer " + TOKEN)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"m" + i + "\"}"))
						.build();
					HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() != 202) {
						throw new IllegalStateException(response.statusCode() + " " + response.body());
					}
					this.ids.add(JSON.readTree(response.body()).path("id").asString());
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (Exception ex) {
					this.failures.add(ex);
				}
			}
		}

		void awaitSome(int more) throws InterruptedException {
			int target = this.ids.size() + more;
			await(() -> this.ids.size() >= target, Duration.ofSeconds(5), more + " more messages published");
		}

		List<String> stop() throws InterruptedException {
			this.stopped = true;
			this.thread.join(5000);
			assertThat(this.failures).as("publish failures").isEmpty();
			return List.copyOf(this.ids);
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped = true;
			this.thread.join(5000);
		}

	}

}
