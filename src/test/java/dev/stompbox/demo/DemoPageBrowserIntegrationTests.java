package dev.stompbox.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.Dimension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.RedisTestServer;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in real headless Chromium against two instances in demo mode on one Redis:
 * pages on different instances see each other's messages, presence, typing and drawings, over
 * WebSocket and SockJS; a page whose instance stops moves to the other and shows what was
 * sent meanwhile; a page whose connections reach their lifetime rolls over make-before-break.
 * A picture of every page at the end of each test is kept under target/screenshots.
 */
class DemoPageBrowserIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	static RedisTestServer redis;

	static StompboxCluster cluster;

	static Chromium chromium;

	private final List<Page> pages = new ArrayList<>();

	private final List<AutoCloseable> others = new ArrayList<>();

	@BeforeAll
	static void start() {
		chromium = Chromium.start();
		redis = RedisTestServer.start();
		cluster = StompboxCluster.start(redis, 2, Map.of("stompbox.jwt.secret", ""));
	}

	@AfterAll
	static void stop() {
		if (chromium != null) {
			chromium.close();
		}
		if (cluster != null) {
			cluster.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@AfterEach
	void closePages(TestInfo test) throws Exception {
		String name = test.getTestMethod().map((method) -> method.getName()).orElse("test");
		for (Page page : this.pages) {
			page.screenshot(name);
		}
		for (Page page : this.pages) {
			page.close();
		}
		Collections.reverse(this.others);
		for (AutoCloseable other : this.others) {
			other.close();
		}
	}

	@Test
	void pagesOnDifferentInstancesSeeEachOthersMessagesPresenceAndTyping() {
		Page alice = open("alice", cluster.port(0), "?name=Alice&room=chat");
		alice.awaitStatus("connected to node-0");
		alice.awaitMembers("Alice");

		// Bob goes the long way: the login form, then the room field.
		Page bob = open("bob", cluster.port(1), "");
		bob.logIn("Bob");
		bob.awaitStatus("connected to node-1");
		bob.joinRoom("chat");
		bob.awaitStatus("connected to node-1 · WebSocket · #chat");

		alice.awaitMembers("Alice", "Bob");
		bob.awaitMembers("Alice", "Bob");

		alice.say("hello from node-0");
		bob.awaitMessage("hello from node-0");
		bob.typeWithoutSending("hi Al");
		alice.await("Bob's typing indicator", () -> alice.typing().contains("Bob is typing"));
		bob.say("ice, node-1 here");
		alice.awaitMessage("hi Alice, node-1 here");
		assertThat(alice.messages()).containsExactly("hello from node-0", "hi Alice, node-1 here");
		assertThat(bob.messages()).containsExactly("hello from node-0", "hi Alice, node-1 here");
		alice.await("the typing indicator cleared by Bob's message", () -> alice.typing().isEmpty());

		// A late joiner gets the history with its join.
		Page carol = open("carol", cluster.port(0), "?name=Carol&room=chat");
		carol.awaitStatus("connected to node-0");
		carol.awaitMessage("hi Alice, node-1 here");
		assertThat(carol.messages()).containsExactly("hello from node-0", "hi Alice, node-1 here");
		alice.awaitMembers("Alice", "Bob", "Carol");
		bob.awaitMembers("Alice", "Bob", "Carol");

		carol.close();
		alice.awaitMembers("Alice", "Bob");
		bob.awaitMembers("Alice", "Bob");
		assertThat(bob.notices()).contains("Carol joined", "Carol left");

		// Errors from /user/queue/errors are shown: here for a send the page itself would never make.
		alice.script("window.stompbox.state.current.publish('/app/rooms/elsewhere/messages', {body: 'x'});");
		alice.await("the not-joined error shown",
				() -> alice.errors().stream().anyMatch((error) -> error.contains("not-joined")));
	}

	@Test
	void aStrokeDrawnOnOneInstanceAppearsOnTheOthersCanvasAndALateJoinerSeesIt() {
		Page alice = open("alice", cluster.port(0), "?name=Alice&room=board");
		Page bob = open("bob", cluster.port(1), "?name=Bob&room=board");
		alice.awaitStatus("connected to node-0");
		bob.awaitStatus("connected to node-1");
		assertThat(bob.ink()).isZero();

		alice.draw(new double[] { 0.2, 0.3 }, new double[] { 0.5, 0.6 }, new double[] { 0.8, 0.3 });
		assertThat(alice.inkAround(0.5, 0.6, 10)).isPositive();
		bob.await("Alice's stroke", () -> bob.inkAround(0.2, 0.3, 10) > 0 && bob.inkAround(0.35, 0.45, 10) > 0
				&& bob.inkAround(0.5, 0.6, 10) > 0 && bob.inkAround(0.8, 0.3, 10) > 0);
		assertThat(bob.inkAround(0.5, 0.2, 10)).as("ink where no line passes").isZero();

		Page carol = open("carol", cluster.port(1), "?name=Carol&room=board");
		carol.awaitStatus("connected to node-1");
		carol.await("the drawing, from history", () -> carol.inkAround(0.2, 0.3, 10) > 0
				&& carol.inkAround(0.5, 0.6, 10) > 0 && carol.inkAround(0.8, 0.3, 10) > 0);

		bob.draw(new double[] { 0.1, 0.9 }, new double[] { 0.9, 0.9 });
		alice.await("Bob's stroke", () -> alice.inkAround(0.5, 0.9, 10) > 0);

		bob.find("clear").click();
		for (Page page : List.of(alice, bob, carol)) {
			page.await("a blank board", () -> page.ink() == 0);
		}
		// The clear is history too: a page opened now starts blank, then sees new strokes.
		Page dave = open("dave", cluster.port(0), "?name=Dave&room=board");
		dave.awaitStatus("connected to node-0");
		dave.awaitMembers("Alice", "Bob", "Carol", "Dave");
		assertThat(dave.ink()).isZero();
		alice.draw(new double[] { 0.4, 0.4 }, new double[] { 0.6, 0.4 });
		dave.await("a stroke after the clear", () -> dave.inkAround(0.5, 0.4, 10) > 0);
		bob.await("a stroke after the clear", () -> bob.inkAround(0.5, 0.4, 10) > 0);
	}

	@Test
	void aPhoneOverSockJsAndADesktopOverWebSocketTalkAndTheTransportCanBeSwitched() {
		Page alice = open("alice", cluster.port(0), "?name=Alice&room=sockjs&transport=sockjs", Page.PHONE);
		Page bob = open("bob", cluster.port(1), "?name=Bob&room=sockjs");
		alice.awaitStatus("connected to node-0 · SockJS · #sockjs");
		bob.awaitStatus("connected to node-1 · WebSocket · #sockjs");
		alice.awaitMembers("Alice", "Bob");

		bob.say("over a websocket");
		alice.awaitMessage("over a websocket");
		alice.say("over sockjs");
		bob.awaitMessage("over sockjs");
		List<String> alicesNotices = alice.notices();
		List<String> bobsNotices = bob.notices();

		// Switching is make-before-break: no leave or join seen by others, nothing lost or doubled.
		bob.chooseTransport("sockjs");
		bob.awaitStatus("connected to node-1 · SockJS · #sockjs");
		alice.say("after the switch");
		bob.awaitMessage("after the switch");
		alice.chooseTransport("websocket");
		alice.awaitStatus("connected to node-0 · WebSocket · #sockjs");
		bob.say("both switched");
		alice.awaitMessage("both switched");
		List<String> all = List.of("over a websocket", "over sockjs", "after the switch", "both switched");
		assertThat(alice.messages()).containsExactlyElementsOf(all);
		assertThat(bob.messages()).containsExactlyElementsOf(all);
		assertThat(alice.notices()).isEqualTo(alicesNotices);
		assertThat(bob.notices()).isEqualTo(bobsNotices);
		alice.awaitMembers("Alice", "Bob");
		assertThat(alice.breaks()).isZero();
		assertThat(bob.breaks()).isZero();
	}

	@Test
	void aPageWhoseInstanceStopsReconnectsToTheOtherAndShowsWhatWasSentMeanwhile() {
		ConfigurableApplicationContext doomed = cluster.startInstance("node-2");
		FailoverProxy proxy = FailoverProxy.to(portOf(doomed), cluster.port(1));
		this.others.add(proxy);

		Page alice = open("alice", proxy.port(), "?name=Alice&room=failover");
		Page bob = open("bob", cluster.port(1), "?name=Bob&room=failover");
		alice.awaitStatus("connected to node-2");
		bob.awaitStatus("connected to node-1");
		alice.awaitMembers("Alice", "Bob");
		alice.say("before the stop");
		bob.awaitMessage("before the stop");

		// The network in front of the cluster is down while node-2 stops, so Alice surely
		// misses what Bob sends meanwhile; when it is back, only node-1 answers.
		proxy.pause();
		doomed.close();
		alice.await("the page to notice", () -> alice.status().startsWith("reconnecting in"));
		bob.say("sent meanwhile 1");
		bob.say("sent meanwhile 2");
		bob.say("sent meanwhile 3");
		bob.awaitMessage("sent meanwhile 3");
		assertThat(alice.messages()).containsExactly("before the stop");
		proxy.resume();

		alice.awaitStatus("connected to node-1");
		alice.awaitMessage("sent meanwhile 3");
		assertThat(alice.messages()).containsExactly("before the stop", "sent meanwhile 1", "sent meanwhile 2",
				"sent meanwhile 3");
		alice.say("back again");
		bob.awaitMessage("back again");
		assertThat(bob.messages()).containsExactly("before the stop", "sent meanwhile 1", "sent meanwhile 2",
				"sent meanwhile 3", "back again");
		bob.awaitMembers("Alice", "Bob");
	}

	@Test
	void aPageRollsOverMakeBeforeBreakAsItsConnectionsReachTheirLifetime() throws Exception {
		StompboxCluster shortLived = new StompboxCluster(redis,
				Map.of("stompbox.jwt.secret", "", "stompbox.max-connection-lifetime", "3s"));
		this.others.add(shortLived);
		int port = portOf(shortLived.startInstance("short-lived"));

		Page alice = open("alice", port, "?name=Alice&room=rollover");
		alice.awaitStatus("connected to short-lived");
		String backend = demoToken(port, "backend");
		List<String> sent = new ArrayList<>();
		long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
		while (System.nanoTime() < end) {
			String text = "tick " + (sent.size() + 1);
			HttpResponse<String> reply = post(port, "/api/rooms/rollover/messages", backend,
					"{\"type\":\"message\",\"body\":{\"text\":\"" + text + "\"}}");
			assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
			sent.add(text);
			long next = System.nanoTime() + Duration.ofMillis(100).toNanos();
			await().pollInterval(Duration.ofMillis(20)).until(() -> System.nanoTime() >= next);
		}
		alice.awaitMessage(sent.get(sent.size() - 1));
		assertThat(alice.messages()).containsExactlyElementsOf(sent);
		assertThat(alice.links()).as("connections opened in 7 s of 3 s lifetimes").isGreaterThanOrEqualTo(3);
		assertThat(alice.breaks()).as("joined connections lost before the next one was in").isZero();
		assertThat(alice.notices()).isEmpty();
		alice.awaitStatus("connected to short-lived");
	}

	@Test
	void withoutDemoModeThePageAsksForATokenAndConnectsWithIt() {
		StompboxCluster withKey = new StompboxCluster(redis, Map.of());
		this.others.add(withKey);
		int port = portOf(withKey.startInstance("keyed"));

		Page erin = open("erin", port, "?name=Erin&room=keyed");
		erin.await("the token field", () -> erin.find("token").isDisplayed() && !erin.find("name").isDisplayed());
		erin.find("token").sendKeys(TestTokens.builder("erin").name("Erin").sign());
		erin.find("login").click();
		erin.awaitStatus("connected to keyed · WebSocket · #keyed");
		erin.awaitMembers("Erin");
		erin.say("signed in with a real token");
		erin.awaitMessage("signed in with a real token");
	}

	private Page open(String label, int port, String query) {
		return open(label, port, query, Page.DESKTOP);
	}

	private Page open(String label, int port, String query, Dimension size) {
		Page page = chromium.open(label, "http://localhost:" + port + "/" + query, size);
		this.pages.add(page);
		return page;
	}

	private static int portOf(ConfigurableApplicationContext instance) {
		return ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	private static String demoToken(int port, String userId) throws IOException, InterruptedException {
		HttpResponse<String> reply = post(port, "/auth/demo-token", null, "{\"userId\":\"" + userId + "\"}");
		return JSON.readTree(reply.body()).path("token").asString();
	}

	private static HttpResponse<String> post(int port, String path, String token, String json)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("content-type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
