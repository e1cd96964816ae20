package dev.stompbox.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser client module, {@code js/stompbox-client.js}, in headless Chromium against
 * a fake STOMP.js that the script drives frame by frame: the hold until recovery is
 * complete, history pages, duplicates dropped by id, the resend of what was not
 * acknowledged, make-before-break on a {@code reconnect} notice and a transport switch,
 * backoff, and a new token after an {@code unauthorized}. The server only serves the
 * module.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stompbox.jwt.secret=", "stompbox.jwt.jwks-uri=", "stompbox.demo=true" })
class StompboxClientBrowserIntegrationTests {

	@AutoClose
	static final Chromium chromium = Chromium.start();

	@LocalServerPort
	int port;

	@Test
	void theModuleHoldsDedupesRecoversAndReconnectsMakeBeforeBreak() throws IOException {
		Page page = chromium.open("module", "http://localhost:" + this.port + "/app.css", Page.DESKTOP);
		try {
			Object failures = page.script("return (async () => {\n" + checks() + "\n})();");
			assertThat((List<?>) failures).as("checks that failed").isEmpty();
		}
		finally {
			page.close();
		}
	}

	private static String checks() throws IOException {
		try (InputStream in = StompboxClientBrowserIntegrationTests.class
			.getResourceAsStream("stompbox-client-checks.js")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
