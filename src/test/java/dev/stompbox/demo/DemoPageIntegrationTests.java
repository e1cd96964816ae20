package dev.stompbox.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page is served at {@code /} with its libraries from WebJars (no copied files),
 * and {@code /auth/demo-token} tells it which login to offer: a 404 outside demo mode.
 */
class DemoPageIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	/** The page's own ES modules, under /js/. */
	static final String[] MODULES = { "main.js", "stompbox-client.js", "chat.js", "presence.js", "board.js",
			"status.js", "login.js" };

	static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	static int probeDemoMode(int port) throws IOException, InterruptedException {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/auth/demo-token"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{}"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "stompbox.jwt.secret=", "stompbox.jwt.jwks-uri=", "stompbox.demo=true" })
	class InDemoMode {

		@LocalServerPort
		int port;

		@ParameterizedTest
		@CsvSource({ "/, text/html", "/js/main.js, text/javascript", "/js/stompbox-client.js, text/javascript",
				"/app.css, text/css", "/webjars/stomp__stompjs/bundles/stomp.umd.min.js, text/javascript",
				"/webjars/sockjs-client/dist/sockjs.min.js, text/javascript" })
		void pageAndLibrariesAreServed(String path, String contentType) throws Exception {
			HttpResponse<String> response = get(this.port, path);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("content-type").orElse("")).startsWith(contentType);
			assertThat(response.body()).isNotBlank();
		}

		@Test
		void pageCarriesEveryTestHook() throws Exception {
			StringBuilder page = new StringBuilder(get(this.port, "/").body());
			for (String module : MODULES) {
				page.append(get(this.port, "/js/" + module).body());
			}
			for (String hook : new String[] { "name", "login", "room", "join", "message", "send", "messages", "msg",
					"members", "member", "board", "status" }) {
				assertThat(page).as(hook).containsAnyOf("data-test=\"" + hook + "\"", "dataset.test = '" + hook + "'");
			}
		}

		@Test
		void demoTokenProbeIsNotANotFound() throws Exception {
			assertThat(probeDemoMode(this.port)).isEqualTo(400);
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
	class WithAConfiguredKey {

		@LocalServerPort
		int port;

		@Test
		void pageIsServedAndTheDemoTokenProbeIsANotFound() throws Exception {
			assertThat(get(this.port, "/").statusCode()).isEqualTo(200);
			assertThat(probeDemoMode(this.port)).isEqualTo(404);
		}

	}

}
