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

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.Dimension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.ClusterTest;
import dev.stompbox.support.RoundRobinHttpProxy;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompboxCluster;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in real headless Chromium against two instances in demo mode on one
 * Redis: pages on different instances see each other's messages, presence, typing and
 * drawings, over WebSocket and SockJS; a page whose instance stops moves to the other and
 * shows what was sent meanwhile; a page whose connections reach their lifetime rolls over
 * make-before-break. A picture of every page at the end of each test is kept under
 * target/screenshots.
 */
@ClusterTest(properties = { "stompbox.jwt.secret=", "stompbox.demo=true" })
class DemoPageBrowserIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	static StompboxCluster cluster;

	@AutoClose
	static final Chromium chromium = Chromium.start();

	private final List<Page> pages = new ArrayList<>();

	private final List<AutoCloseable> others = new ArrayList<>();

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

		// Errors from /user/queue/errors are shown: here for a send the page itself would
		// never make.
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
		// The clear is history too: a page opened now starts blank, then sees new
		// strokes.
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

		// Switching is make-before-break: no leave or join seen by others, nothing lost
		// or doubled.
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

	/**
	 * Behind a balancer with no affinity that passes no WebSocket (a corporate proxy),
	 * every request of a SockJS session may land on either instance: the pages connect
	 * over xhr-streaming, and over xhr-polling when forced to, see each other, and show
	 * every message once.
	 */
	@Test
	void pagesOverSockJsBehindARoundRobinBalancerThatRefusesWebSocketsSeeEachOtherAndEveryMessageOnce() {
		RoundRobinHttpProxy proxy = RoundRobinHttpProxy.to(cluster.port(0), cluster.port(1));
		this.others.add(proxy);
		for (String forced : List.of("", "xhr-polling")) {
			String room = forced.isEmpty() ? "roundrobin" : "roundrobin-polling";
			Page alice = sockJsPage("alice-" + room, proxy.port(), room, forced, "Alice");
			Page bob = sockJsPage("bob-" + room, proxy.port(), room, forced, "Bob");
			alice.awaitStatus("SockJS · #" + room);
			bob.awaitStatus("SockJS · #" + room);
			alice.awaitMembers("Alice", "Bob");
			bob.awaitMembers("Alice", "Bob");
			List<String> sent = new ArrayList<>();
			for (int i = 1; i <= 3; i++) {
				sent.add("alice " + i + " " + room);
				alice.say(sent.getLast());
				alice.awaitMessage(sent.getLast());
				bob.awaitMessage(sent.getLast());
				sent.add("bob " + i + " " + room);
				bob.say(sent.getLast());
				alice.awaitMessage(sent.getLast());
				bob.awaitMessage(sent.getLast());
			}
			assertThat(alice.messages()).containsExactlyElementsOf(sent);
			assertThat(bob.messages()).containsExactlyElementsOf(sent);
			assertThat(alice.breaks()).isZero();
			assertThat(bob.breaks()).isZero();
		}
		assertThat(proxy.refusedUpgrades()).isPositive();
		for (String kind : List.of("send", "receive")) {
			long relayed = 0;
			for (int i = 0; i < 2; i++) {
				relayed += cluster.bean(i, MeterRegistry.class)
					.get("stompbox.sockjs.relay")
					.tag("kind", kind)
					.timer()
					.count();
			}
			assertThat(relayed).as("relayed SockJS requests of kind %s", kind).isPositive();
		}
	}

	/**
	 * A page on the SockJS transport that logs in once SockJS is limited to the transport
	 * given.
	 */
	private Page sockJsPage(String label, int port, String room, String forcedTransport, String name) {
		Page page = open(label, port, "?room=" + room + "&transport=sockjs");
		page.await("the login form", () -> page.find("name").isDisplayed());
		if (!forcedTransport.isEmpty()) {
			page.script("const Original = window.SockJS; window.SockJS = function (url) {"
					+ " return new Original(url, null, { transports: ['" + forcedTransport + "'] }); };");
		}
		page.logIn(name);
		return page;
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
		StompboxCluster shortLived = cluster.another(
				Map.of("stompbox.jwt.secret", "", "stompbox.demo", "true", "stompbox.max-connection-lifetime", "3s"));
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

	/**
	 * A room with more history than one join ACK recovers: the page fetches the rest in
	 * pages and shows all of it in order. Each history request is held in the page until
	 * a live message has reached it, so live messages surely arrive in the middle of the
	 * recovery: they wait for it and are not shown twice when a later page brings them
	 * too.
	 */
	@Test
	void aRoomWithMoreHistoryThanTheRecoveryLimitIsShownWholeAndInOrder() throws Exception {
		int port = boundedInstance("paged-history");
		String backend = demoToken(port, "backend");
		List<String> sent = new ArrayList<>();
		for (int i = 1; i <= 23; i++) {
			sent.add(publish(port, backend, "history", "old " + i));
		}

		Page alice = open("alice", port, "?room=history");
		alice.await("the login form", () -> alice.find("name").isDisplayed());
		alice.script(HOLD_HISTORY_REQUESTS);
		alice.logIn("Alice");
		int live = 0;
		while (!alice.messages().equals(sent)) {
			alice.await("a history request, or every message shown",
					() -> heldHistoryRequests(alice) > 0 || alice.messages().equals(sent));
			if (heldHistoryRequests(alice) > 0) {
				live += 1;
				sent.add(publish(port, backend, "history", "live " + live));
				int arrived = live;
				alice.await("live message " + arrived + " at the page", () -> liveFrames(alice) >= arrived);
				alice.script("window.testHooks.held.shift()();");
			}
		}
		assertThat(live).as("history requests: 18 messages after the 5 of the join ACK, 5 a page")
			.isGreaterThanOrEqualTo(4);
		alice.awaitStatus("connected to paged-history");
		alice.say("after the recovery");
		alice.awaitMessage("after the recovery");
		sent.add("after the recovery");
		assertThat(alice.messages()).containsExactlyElementsOf(sent);
		assertThat(alice.notices()).isEmpty();
	}

	/**
	 * A room with more members than the list limit: the page counts everyone from
	 * {@code memberCount} and the events' {@code count}, lists some, and does not ask for
	 * the member list again on every join and leave.
	 */
	@Test
	void aRoomWithMoreMembersThanTheListLimitShowsTheirCountWithoutAskingAgainAndAgain() throws Exception {
		int port = boundedInstance("crowded");
		List<StompTestClient> crowd = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			crowd.add(member(port, "crowd-" + i));
		}

		Page alice = open("alice", port, "?room=crowd");
		alice.await("the login form", () -> alice.find("name").isDisplayed());
		alice.script(HOLD_HISTORY_REQUESTS);
		alice.logIn("Alice");
		alice.awaitStatus("connected to crowded");
		alice.await("six present", () -> alice.memberCount().equals("6"));
		assertThat(alice.members()).hasSize(3).contains("Alice");

		for (int i = 6; i <= 9; i++) {
			crowd.add(member(port, "crowd-" + i));
		}
		crowd.remove(0).close();
		crowd.remove(0).close();
		alice.await("the notices of four joins and two leaves", () -> alice.notices().size() == 6);
		alice.await("eight present", () -> alice.memberCount().equals("8"));
		assertThat(alice.members()).hasSizeLessThanOrEqualTo(3).contains("Alice");
		assertThat(snapshotRequests(alice)).as("member lists asked for after the join").isLessThanOrEqualTo(1);
		crowd.forEach(StompTestClient::close);
		alice.await("Alice alone", () -> alice.memberCount().equals("1"));
		alice.awaitMembers("Alice");
	}

	@Test
	void withoutDemoModeThePageAsksForATokenAndConnectsWithIt() {
		StompboxCluster withKey = cluster.another(Map.of());
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

	/**
	 * Wraps the page's STOMP client before it connects: history requests wait in
	 * {@code testHooks.held} until the test lets them go, live room messages and presence
	 * snapshot requests are counted.
	 */
	private static final String HOLD_HISTORY_REQUESTS = """
			const hooks = window.testHooks = { held: [], live: 0, snapshots: 0 };
			const publish = StompJs.Client.prototype.publish;
			StompJs.Client.prototype.publish = function (params) {
			  if (/^\\/app\\/rooms\\/[^/]+\\/history$/.test(params.destination)) {
			    hooks.held.push(() => publish.call(this, params));
			    return;
			  }
			  return publish.call(this, params);
			};
			const subscribe = StompJs.Client.prototype.subscribe;
			StompJs.Client.prototype.subscribe = function (destination, callback, headers) {
			  if (/^\\/app\\/rooms\\/[^/]+\\/presence$/.test(destination)) {
			    hooks.snapshots += 1;
			  }
			  const counted = /^\\/topic\\/rooms\\/[^/]+$/.test(destination)
			      ? (frame) => { hooks.live += 1; return callback(frame); } : callback;
			  return subscribe.call(this, destination, counted, headers);
			};
			""";

	private static int heldHistoryRequests(Page page) {
		return ((Number) page.script("return window.testHooks.held.length;")).intValue();
	}

	private static int liveFrames(Page page) {
		return ((Number) page.script("return window.testHooks.live;")).intValue();
	}

	private static int snapshotRequests(Page page) {
		return ((Number) page.script("return window.testHooks.snapshots;")).intValue();
	}

	/**
	 * An instance in demo mode whose replies are cut small: 5 messages recovered, 3
	 * members listed.
	 */
	private int boundedInstance(String instanceId) {
		StompboxCluster bounded = cluster.another(Map.of("stompbox.jwt.secret", "", "stompbox.demo", "true",
				"stompbox.recovery-limit", "5", "stompbox.presence.list-limit", "3"));
		this.others.add(bounded);
		return portOf(bounded.startInstance(instanceId));
	}

	/** A user who joins the room "crowd" over STOMP and stays until closed. */
	private StompTestClient member(int port, String userId) throws IOException, InterruptedException {
		StompTestClient client = StompTestClient.connect(port, demoToken(port, userId));
		this.others.add(client);
		client.subscribeAndJoin("crowd");
		return client;
	}

	private static String publish(int port, String token, String room, String text)
			throws IOException, InterruptedException {
		HttpResponse<String> reply = post(port, "/api/rooms/" + room + "/messages", token,
				"{\"type\":\"message\",\"body\":{\"text\":\"" + text + "\"}}");
		assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
		return text;
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
