package dev.stompbox.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketHttpHeaders;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.support.RawStompSocket.command;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2: the server never logs tokens, valid or not, wherever the client
 * put them, at the configured levels and with Stompbox's own loggers at their most
 * verbose.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class TokenLoggingIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void tokensDoNotAppearInTheLogsAtTheConfiguredLevels(CapturedOutput output) throws Exception {
		List<String> tokens = useTokensEverywhere();
		assertNoneLogged(output, tokens);
	}

	/**
	 * Stompbox at TRACE, and Spring's STOMP handling at DEBUG, which logs failed frames
	 * whole. (Request URLs, and so an {@code access_token} parameter, are logged by
	 * Spring Security and Spring MVC at DEBUG: that is why PROTOCOL.md prefers the
	 * CONNECT header.)
	 */
	@Test
	void tokensDoNotAppearInTheLogsWithStompLoggingTurnedUp(CapturedOutput output) throws Exception {
		Map<String, LogLevel> levels = new LinkedHashMap<>();
		levels.put("dev.stompbox", LogLevel.TRACE);
		levels.put("org.springframework.web.socket.messaging.StompSubProtocolHandler", LogLevel.DEBUG);
		levels.put("org.springframework.messaging", LogLevel.DEBUG);
		List<String> tokens = withLevels(levels, this::useTokensEverywhere);
		assertNoneLogged(output, tokens);
	}

	/**
	 * Connects with good and bad tokens in every place a token may be; returns them all.
	 */
	private List<String> useTokensEverywhere() throws Exception {
		List<String> tokens = new ArrayList<>();
		String forged = TestTokens.builder("alice").secret("another-secret-that-is-also-32-bytes-long").sign();
		String expired = TestTokens.builder("alice").expiresIn(Duration.ofSeconds(-60)).sign();
		String unsigned = TestTokens.builder("alice").unsigned();
		for (String bad : List.of(forged, expired, unsigned)) {
			tokens.add(bad);
			assertThat(Handshakes.to(this.port, "/ws").bearer(bad).status()).isEqualTo(401);
			assertThat(Handshakes.to(this.port, "/ws?access_token=" + bad).status()).isEqualTo(401);
			assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket() + "?access_token=" + bad).status())
				.isEqualTo(401);
			try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
				connection
					.send("CONNECT\naccept-version:1.2\nhost:localhost\nAuthorization:Bearer " + bad + "\n\n\u0000");
				connection.closed().handle((status, failure) -> null).get();
			}
			try (RawStompSocket connection = RawStompSocket.open(this.port, "/sockjs")) {
				connection.send("CONNECT\naccept-version:1.2\nhost:localhost\npasscode:" + bad + "\n\n\u0000");
				connection.closed().handle((status, failure) -> null).get();
			}
			assertThat(api(bad).statusCode()).isEqualTo(401);
		}
		for (int place = 0; place < 4; place++) {
			String valid = TestTokens.builder("alice").scope("stompbox:publish").sign();
			tokens.add(valid);
			WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
			if (place == 0) {
				handshake.setBearerAuth(valid);
			}
			try (RawStompSocket connection = RawStompSocket.open(this.port,
					((place == 3) ? "/sockjs" : "/ws") + ((place == 1) ? "?access_token=" + valid : ""), handshake)) {
				String answer = switch (place) {
					case 2 -> connection.connect(valid);
					case 3 -> connection.connectWith("passcode:" + valid);
					default -> connection.connectWith();
				};
				assertThat(command(answer)).isEqualTo("CONNECTED");
				connection.send("SEND\ndestination:/topic/rooms/lobby\n\n{}\u0000");
				connection.closed().handle((status, failure) -> null).get();
			}
			assertThat(api(valid).statusCode()).isEqualTo(200);
		}
		return tokens;
	}

	private HttpResponse<String> api(String token) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/rooms/lobby/presence"))
				.header("Authorization", "Bearer " + token)
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void assertNoneLogged(CapturedOutput output, List<String> tokens) {
		String logged = output.getAll();
		assertThat(logged).isNotEmpty();
		for (String token : tokens) {
			String[] parts = token.split("\\.");
			assertThat(logged).doesNotContain(token);
			// Neither the claims nor the signature alone: a log line may cut a token at a
			// dot.
			assertThat(logged).doesNotContain(parts[1]);
			if (parts.length > 2 && !parts[2].isEmpty()) {
				assertThat(logged).doesNotContain(parts[2]);
			}
		}
	}

	private static <T> T withLevels(Map<String, LogLevel> levels, Action<T> action) throws Exception {
		LoggingSystem logging = LoggingSystem.get(TokenLoggingIntegrationTests.class.getClassLoader());
		Map<String, LogLevel> before = new LinkedHashMap<>();
		levels.forEach((name, level) -> {
			before.put(name, logging.getLoggerConfiguration(name).getConfiguredLevel());
			logging.setLogLevel(name, level);
		});
		try {
			return action.run();
		}
		finally {
			before.forEach(logging::setLogLevel);
		}
	}

	@FunctionalInterface
	private interface Action<T> {

		T run() throws Exception;

	}

}
