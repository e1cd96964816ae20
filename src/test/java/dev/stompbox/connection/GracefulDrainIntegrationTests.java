package dev.stompbox.connection;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.StompboxApplication;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful drain (PROTOCOL.md section 6): with a few hundred clients connected, closing
 * the application as SIGTERM does tells every client {@code reconnect} /
 * {@code shutdown}, then closes it with 1001; readiness goes DOWN before the first close
 * and the whole context is gone within 8 s.
 */
class GracefulDrainIntegrationTests {

	private static final int CLIENTS = 300;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void shutdownTellsEveryClientToReconnectThenClosesWith1001WithinEightSeconds() throws Exception {
		ConfigurableApplicationContext server = new SpringApplicationBuilder(StompboxApplication.class)
			.run("--server.port=0", "--" + TestTokens.SECRET_PROPERTY);
		int port = ((WebServerApplicationContext) server).getWebServer().getPort();
		StandardWebSocketClient webSocket = new StandardWebSocketClient();
		List<Client> clients = new ArrayList<>();
		try {
			// One user each: a user may hold only STOMPBOX_MAX_CONNECTIONS_PER_USER
			// connections.
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(Client.open(webSocket, port, TestTokens.forUser("drained-" + i)));
			}
			for (Client client : clients) {
				client.subscribed.get(10, TimeUnit.SECONDS);
			}
			AtomicLong notReadyAt = new AtomicLong();
			Thread readiness = Thread.ofVirtual().start(() -> watchReadiness(port, notReadyAt));

			long stopping = System.nanoTime();
			CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
			closed.get(8, TimeUnit.SECONDS);
			long stoppedIn = System.nanoTime() - stopping;
			readiness.interrupt();
			System.out.println("Drained " + CLIENTS + " connections; the context was gone "
					+ Duration.ofNanos(stoppedIn).toMillis() + " ms after close()");

			long firstClose = Long.MAX_VALUE;
			for (Client client : clients) {
				CloseStatus status = client.closed.get(1, TimeUnit.SECONDS);
				assertThat(status.getCode()).isEqualTo(CloseStatus.GOING_AWAY.getCode());
				JsonNode notice = client.notice.getNow(null);
				assertThat(notice).as("notice before the close").isNotNull();
				assertThat(notice.path("type").asString()).isEqualTo("reconnect");
				assertThat(notice.path("reason").asString()).isEqualTo("shutdown");
				assertThat(notice.path("retryAfterMs").asLong(-1)).isBetween(0L, GracefulDrain.MAX_RETRY_AFTER_MS);
				assertThat(client.noticeAt).isLessThan(client.closedAt);
				firstClose = Math.min(firstClose, client.closedAt);
			}
			assertThat(notReadyAt.get()).as("readiness went DOWN").isPositive();
			assertThat(notReadyAt.get()).as("readiness DOWN before the first close").isLessThan(firstClose);
		}
		finally {
			server.close();
			clients.forEach(Client::close);
		}
	}

	private static void watchReadiness(int port, AtomicLong notReadyAt) {
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest probe = HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(1))
			.build();
		while (!Thread.currentThread().isInterrupted()) {
			try {
				long before = System.nanoTime();
				int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
				if (status != 200) {
					notReadyAt.compareAndSet(0, before);
					return;
				}
			}
			catch (Exception ex) {
				return;
			}
		}
	}

	/** A hand-written STOMP client that records the system notice and the close. */
	private static final class Client extends TextWebSocketHandler {

		final CompletableFuture<Void> subscribed = new CompletableFuture<>();

		final CompletableFuture<JsonNode> notice = new CompletableFuture<>();

		final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

		volatile long noticeAt;

		volatile long closedAt;

		private WebSocketSession session;

		static Client open(StandardWebSocketClient webSocket, int port, String token) throws Exception {
			Client client = new Client();
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setSecWebSocketProtocol("v12.stomp");
			client.session = webSocket.execute(client, headers, URI.create("ws://localhost:" + port + "/ws"))
				.get(10, TimeUnit.SECONDS);
			// The container takes one sender at a time: the SUBSCRIBE goes out from its
			// read thread.
			synchronized (client) {
				client.session.sendMessage(new TextMessage("CONNECT\naccept-version:1.2\nhost:localhost\n"
						+ "heart-beat:0,0\nAuthorization:Bearer " + token + "\n\n\u0000"));
			}
			return client;
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
			String frame = message.getPayload();
			if (frame.startsWith("CONNECTED")) {
				synchronized (this) {
					session.sendMessage(
							new TextMessage("SUBSCRIBE\nid:0\ndestination:/user/queue/system\nreceipt:sub\n\n\u0000"));
				}
			}
			else if (frame.startsWith("RECEIPT")) {
				this.subscribed.complete(null);
			}
			else if (frame.startsWith("MESSAGE")) {
				String body = frame.substring(frame.indexOf("\n\n") + 2, frame.lastIndexOf('\u0000'));
				this.noticeAt = System.nanoTime();
				this.notice.complete(JSON.readTree(body));
			}
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.closedAt = System.nanoTime();
			this.closed.complete(status);
		}

		void close() {
			try {
				this.session.close();
			}
			catch (Exception ex) {
				// already closed by the server
			}
		}

	}

}
