package dev.stompbox.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A SockJS session belongs to the user it was opened for: with real HTTP requests as a
 * SockJS client sends them, another user's token can neither write into it
 * ({@code xhr_send}) nor read from it ({@code xhr}, {@code xhr_streaming}); the refused
 * request gets 404 and nothing of it reaches the session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class SockJsSessionOwnerIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	@LocalServerPort
	int port;

	@Autowired
	SockJsSessionOwners owners;

	@AfterEach
	void closeClient() {
		this.http.close();
	}

	@Test
	void aSessionOpenedWithATokenRefusesAnotherUsersToken() throws Exception {
		String alice = TestTokens.forUser("alice");
		String bob = TestTokens.forUser("bob");
		Session session = new Session(query(alice));
		session.open();
		session.connect("");
		Session intruder = session.as(query(bob));

		assertThat(intruder.send(subscribe("bob-1")).statusCode()).isEqualTo(404);
		assertThat(intruder.post("xhr", "").statusCode()).isEqualTo(404);
		assertThat(intruder.post("xhr_streaming", "").statusCode()).isEqualTo(404);
		// With the token in the Authorization header, as a native client sends it.
		assertThat(session.as("").withBearer(bob).send(subscribe("bob-2")).statusCode()).isEqualTo(404);
		// Without any token: the session's client repeats its token on every request.
		assertThat(session.as("").send(subscribe("bob-3")).statusCode()).isEqualTo(404);
		// A token that does not verify.
		assertThat(session.as(query(alice + "x")).send(subscribe("bob-4")).statusCode()).isEqualTo(404);

		assertThat(session.send(subscribe("alice-1")).statusCode()).isEqualTo(204);
		List<String> frames = session.pollUntil("receipt-id:alice-1");
		assertThat(frames).noneMatch((frame) -> frame.contains("bob-"));
	}

	@Test
	void aWebSocketHandshakeWithTheIdOfAnotherUsersSessionIsRefused() throws Exception {
		String alice = TestTokens.forUser("alice");
		Session session = new Session(query(alice));
		session.open();
		session.connect("");

		assertThat(Handshakes.to(this.port, session.address("websocket") + query(TestTokens.forUser("bob"))).status())
			.isEqualTo(404);
		assertThat(session.send(subscribe("alice-1")).statusCode()).isEqualTo(204);
		assertThat(session.pollUntil("receipt-id:alice-1")).isNotEmpty();
	}

	@Test
	void aSessionOpenedWithoutATokenBelongsToTheUserItsConnectAuthenticated() throws Exception {
		String carol = TestTokens.forUser("carol");
		String bob = TestTokens.forUser("bob");
		Session session = new Session("");
		session.open();
		session.connect("passcode:" + carol + "\n");
		Session intruder = session.as(query(bob));

		assertThat(intruder.send(subscribe("bob-1")).statusCode()).isEqualTo(404);
		assertThat(intruder.post("xhr", "").statusCode()).isEqualTo(404);
		assertThat(session.as("").withBearer(bob).send(subscribe("bob-2")).statusCode()).isEqualTo(404);

		// Carol's client never had a token in its address and keeps working without one.
		assertThat(session.send(subscribe("carol-1")).statusCode()).isEqualTo(204);
		List<String> frames = session.pollUntil("receipt-id:carol-1");
		assertThat(frames).noneMatch((frame) -> frame.contains("bob-"));
		// And with her own token.
		assertThat(session.as(query(carol)).send(subscribe("carol-2")).statusCode()).isEqualTo(204);
		assertThat(session.pollUntil("receipt-id:carol-2")).noneMatch((frame) -> frame.contains("bob-"));
	}

	@Test
	void aSessionsOwnerIsForgottenWhenItEnds() throws Exception {
		int before = this.owners.size();
		Session session = new Session(query(TestTokens.forUser("dan")));
		session.open();
		session.connect("");
		assertThat(this.owners.size()).isEqualTo(before + 1);
		session.send("DISCONNECT\n\n\u0000");
		await().atMost(TIMEOUT).until(() -> this.owners.size() == before);
	}

	private static String query(String token) {
		return "?access_token=" + token;
	}

	private static String subscribe(String receipt) {
		return "SUBSCRIBE\nid:" + receipt + "\ndestination:/user/queue/events\nreceipt:" + receipt + "\n\n\u0000";
	}

	/**
	 * One SockJS session over the xhr-polling transport, addressed as a SockJS client
	 * would.
	 */
	private final class Session {

		private final String base;

		private final String query;

		private final String bearer;

		Session(String query) {
			this("/sockjs/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "/", query, null);
		}

		private Session(String base, String query, String bearer) {
			this.base = base;
			this.query = query;
			this.bearer = bearer;
		}

		/** The same session, addressed with another query string. */
		Session as(String otherQuery) {
			return new Session(this.base, otherQuery, null);
		}

		Session withBearer(String token) {
			return new Session(this.base, this.query, token);
		}

		void open() throws Exception {
			HttpResponse<String> opened = post("xhr", "");
			assertThat(opened.statusCode()).isEqualTo(200);
			assertThat(opened.body()).startsWith("o");
		}

		void connect(String headers) throws Exception {
			assertThat(send("CONNECT\naccept-version:1.2\nheart-beat:0,0\n" + headers + "\n\u0000").statusCode())
				.isEqualTo(204);
			assertThat(pollUntil("CONNECTED").getLast()).contains("user-name:");
		}

		HttpResponse<String> send(String frame) throws Exception {
			return post("xhr_send", JSON.writeValueAsString(List.of(frame)));
		}

		/**
		 * Polls until a frame contains the text; returns every frame received meanwhile.
		 */
		List<String> pollUntil(String text) throws Exception {
			List<String> frames = new ArrayList<>();
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				HttpResponse<String> poll = post("xhr", "");
				assertThat(poll.statusCode()).isEqualTo(200);
				String body = poll.body().trim();
				if (body.startsWith("a")) {
					for (JsonNode frame : JSON.readTree(body.substring(1))) {
						frames.add(frame.asString());
						if (frame.asString().contains(text)) {
							return frames;
						}
					}
				}
			}
			throw new AssertionError("No frame with " + text + " in " + frames);
		}

		String address(String transport) {
			return this.base + transport;
		}

		HttpResponse<String> post(String transport, String body) throws Exception {
			HttpRequest.Builder request = HttpRequest
				.newBuilder(URI.create("http://localhost:" + SockJsSessionOwnerIntegrationTests.this.port + this.base
						+ transport + this.query))
				.timeout(TIMEOUT)
				.header("Content-Type", "text/plain;charset=UTF-8")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (this.bearer != null) {
				request.header("Authorization", "Bearer " + this.bearer);
			}
			return SockJsSessionOwnerIntegrationTests.this.http.send(request.build(),
					HttpResponse.BodyHandlers.ofString());
		}

	}

}
