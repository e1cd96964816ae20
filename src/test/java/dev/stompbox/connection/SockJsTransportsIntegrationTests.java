package dev.stompbox.connection;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/** SockJS (PROTOCOL.md section 1): the websocket, xhr-streaming and xhr-polling transports and no others. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
class SockJsTransportsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

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
			"GET, /000/{session}/jsonp?c=callback", "POST, /000/{session}/jsonp_send?c=callback",
			"GET, /iframe.html", "GET, /iframe-0.1.2.html" })
	void otherTransportsAreNotFound(String method, String path) throws Exception {
		String session = UUID.randomUUID().toString().substring(0, 8);
		assertThat(status(method, path.replace("{session}", session), BodyPublishers.ofString("d=[\"x\"]")))
			.isEqualTo(404);
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
		return HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + EndpointConfiguration.SOCKJS_PATH + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, body)
			.build();
	}

}
