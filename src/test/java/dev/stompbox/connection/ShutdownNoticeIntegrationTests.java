package dev.stompbox.connection;

import java.time.Duration;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.StompboxApplication;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 6: on graceful shutdown every client is told
 * {@code {"type":"reconnect","reason":"shutdown"}} and then closed with 1001. The server is
 * started here rather than by the test framework because the test stops it.
 */
class ShutdownNoticeIntegrationTests {

	private static final String SYSTEM = "/user/queue/system";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	@Disabled("Not implemented yet: nothing sends the shutdown notice or closes with 1001 (see the report)")
	void gracefulShutdownSendsAShutdownNoticeThenClosesWith1001() throws Exception {
		ConfigurableApplicationContext server = new SpringApplicationBuilder(StompboxApplication.class)
			.properties(TestTokens.SECRET_PROPERTY, "server.port=0")
			.run();
		try (RawStompSocket client = RawStompSocket.open(port(server), "/ws")) {
			assertThat(RawFrames.command(client.connect(TestTokens.forUser("alice")))).isEqualTo("CONNECTED");
			RawFrames.subscribeAndAwaitReceipt(client, "system", SYSTEM);
			Thread stopping = new Thread(server::close, "stopping");
			stopping.start();
			String frame = RawFrames.awaitFrame(client, (f) -> RawFrames.isMessageOn(f, SYSTEM), null);
			JsonNode notice = JSON.readTree(RawFrames.body(frame));
			assertThat(notice.path("type").asString()).isEqualTo("reconnect");
			assertThat(notice.path("reason").asString()).isEqualTo("shutdown");
			assertThat(notice.path("retryAfterMs").asLong(-1)).isGreaterThanOrEqualTo(0);
			assertThat(client.awaitClose(Duration.ofSeconds(30)).getCode())
				.isEqualTo(CloseStatus.GOING_AWAY.getCode());
			stopping.join(30_000);
		}
		finally {
			server.close();
		}
	}

	private static int port(ConfigurableApplicationContext server) {
		return Integer.parseInt(server.getEnvironment().getProperty("local.server.port", "0"));
	}

}
