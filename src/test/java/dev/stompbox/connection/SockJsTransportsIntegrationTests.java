package dev.stompbox.connection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.session.StompEndpoints;
import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SockJS (PROTOCOL.md sections 1 and 5): the websocket, xhr-streaming and xhr-polling
 * transports and no others, and an {@code xhr_send} body over twice
 * {@code STOMPBOX_MAX_FRAME_SIZE} (2 × 65536 here) answered with 413 while its session
 * ends with the {@code too-large} ERROR frame and close 1009, whether its length is
 * declared or it comes chunked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class SockJsTransportsIntegrationTests {

	private static final int BODY_LIMIT = 2 * 65536;

	private static final int HUGE = 16 * 1024 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	ConnectionRegistry registry;

	@ParameterizedTest
	@EnumSource(value = StompTestClient.Transport.class, names = { "SOCKJS", "SOCKJS_XHR", "SOCKJS_XHR_POLLING" })
	void eachOfTheThreeTransportsCarriesAStompSession(StompTestClient.Transport transport) {
		try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("alice"), transport)) {
			assertThat(client.join("three").path("ok").asBoolean()).isTrue();
		}
	}

	@Test
	void infoStillOffersWebSocket() throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> info = http.send(request("GET", "/info", BodyPublishers.noBody()),
					HttpResponse.BodyHandlers.ofString());
			assertThat(info.statusCode()).isEqualTo(200);
			assertThat(JSON.readTree(info.body()).path("websocket").asBoolean()).isTrue();
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "GET, /000/{session}/eventsource", "GET, /000/{session}/htmlfile?c=callback",
			"GET, /000/{session}/jsonp?c=callback", "POST, /000/{session}/jsonp_send?c=callback", "GET, /iframe.html",
			"GET, /iframe-0.1.2.html" })
	void otherTransportsAreNotFound(String method, String path) throws Exception {
		String session = UUID.randomUUID().toString().substring(0, 8);
		assertThat(status(method, path.replace("{session}", session), BodyPublishers.ofString("d=[\"x\"]")))
			.isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void anXhrSendBodyOverTheLimitGets413AndEndsTheSession(boolean lengthDeclared) {
		try (XhrStreamingSession client = XhrStreamingSession.open(this.port)) {
			connect(client);
			assertThat(client.send(body(HUGE, lengthDeclared))).isEqualTo(413);
			String error = client.nextCommandFrame();
			assertThat(RawFrames.command(error)).isEqualTo("ERROR");
			assertThat(RawFrames.header(error, "message")).isEqualTo("too-large");
			assertThat(client.awaitClose()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
			assertThat(this.registry.isOpen(client.sessionId())).isFalse();
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void anXhrSendBodyOneByteOverTheLimitGets413(boolean lengthDeclared) {
		try (XhrStreamingSession client = XhrStreamingSession.open(this.port)) {
			connect(client);
			assertThat(client.send(body(BODY_LIMIT + 1, lengthDeclared))).isEqualTo(413);
			assertThat(client.awaitClose()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void anXhrSendBodyOfTheLimitIsTaken(boolean lengthDeclared) {
		try (XhrStreamingSession client = XhrStreamingSession.open(this.port)) {
			connect(client);
			assertThat(client.send(body(BODY_LIMIT, lengthDeclared))).isEqualTo(204);
			assertThat(client.send(RawFrames.subscribe("acks", "/user/queue/acks", "r1"))).isEqualTo(204);
			assertThat(RawFrames.isReceipt(client.nextCommandFrame(), "r1")).isTrue();
			assertThat(this.registry.isOpen(client.sessionId())).isTrue();
		}
	}

	private static void connect(XhrStreamingSession client) {
		assertThat(client.send(RawFrames.connect(TestTokens.forUser("alice"), "0,0"))).isEqualTo(204);
		String connected = client.nextCommandFrame();
		assertThat(RawFrames.command(connected)).as(connected).isEqualTo("CONNECTED");
	}

	/**
	 * A SockJS message array of exactly {@code size} bytes holding one heart-beat
	 * end-of-line, padded with JSON whitespace: within the limit, the STOMP session takes
	 * it in its stride.
	 */
	private static BodyPublisher body(int size, boolean lengthDeclared) {
		byte[] body = new byte[size];
		Arrays.fill(body, (byte) ' ');
		byte[] message = "[\"\\n\"".getBytes(StandardCharsets.UTF_8);
		System.arraycopy(message, 0, body, 0, message.length);
		body[size - 1] = ']';
		if (lengthDeclared) {
			return BodyPublishers.ofByteArray(body);
		}
		// Of unknown length, so the client declares none and sends the body chunked.
		BodyPublisher chunked = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
		assertThat(chunked.contentLength()).isNegative();
		return chunked;
	}

	private int status(String method, String path, BodyPublisher body) throws IOException, InterruptedException {
		HttpClient http = HttpClient.newHttpClient();
		try {
			// Not read: the streaming transports, were they served, would never end it.
			HttpResponse<InputStream> response = http.send(request(method, path, body),
					HttpResponse.BodyHandlers.ofInputStream());
			response.body().close();
			return response.statusCode();
		}
		finally {
			http.shutdownNow();
		}
	}

	private HttpRequest request(String method, String path, BodyPublisher body) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + StompEndpoints.SOCKJS + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, body)
			.build();
	}

}
