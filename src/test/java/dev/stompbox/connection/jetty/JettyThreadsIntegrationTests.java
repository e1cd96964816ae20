package dev.stompbox.connection.jetty;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty runs with a few threads per core, not Boot's 200, unless the operator says
 * otherwise, and clients that stall in the middle of a request body cannot hold them all.
 */
class JettyThreadsIntegrationTests {

	static QueuedThreadPool pool(WebServerApplicationContext context) {
		return (QueuedThreadPool) ((JettyWebServer) context.getWebServer()).getServer().getThreadPool();
	}

	/** Whether the server answered (any status) or closed the connection. */
	static boolean answeredOrClosed(Socket socket) {
		try {
			socket.setSoTimeout(1);
			socket.getInputStream().read();
			return true;
		}
		catch (SocketTimeoutException stillReading) {
			return false;
		}
		catch (IOException closed) {
			return true;
		}
	}

	@Test
	void eightThreadsPerCoreAndNeverFewerThan24() {
		assertThat(JettyThreads.defaultMax(1)).isEqualTo(24);
		assertThat(JettyThreads.defaultMax(2)).isEqualTo(24);
		assertThat(JettyThreads.defaultMax(16)).isEqualTo(128);
	}

	/**
	 * The I/O timeout shortened from its 10 s, so that waiting it out takes the test
	 * little time.
	 */
	static final Duration IO_TIMEOUT = Duration.ofSeconds(2);

	static final String SHORT_IO_TIMEOUT = JettyThreads.REQUEST_IO_TIMEOUT_PROPERTY + "=2s";

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { TestTokens.SECRET_PROPERTY, JettyThreadsIntegrationTests.SHORT_IO_TIMEOUT })
	class ByDefault {

		@Autowired
		WebServerApplicationContext context;

		@Test
		void theServerRunsOnAPoolSizedToTheCores() {
			QueuedThreadPool pool = pool(this.context);
			assertThat(pool.getMaxThreads())
				.isEqualTo(JettyThreads.defaultMax(Runtime.getRuntime().availableProcessors()));
			assertThat(pool.getName()).isEqualTo("qtp-stompbox");
		}

		@LocalServerPort
		int port;

		/**
		 * A poll waits for the server with no I/O at all, which is not a stalled read or
		 * write; every poll and send comes on a connection of its own.
		 */
		@ParameterizedTest
		@EnumSource(value = StompTestClient.Transport.class, names = { "SOCKJS_XHR", "SOCKJS_XHR_POLLING" })
		void aSockJsXhrClientQuietForLongerThanTheIoTimeoutStillGetsItsMessages(StompTestClient.Transport transport)
				throws Exception {
			try (StompTestClient client = StompTestClient.connect(this.port, TestTokens.forUser("paula"), transport)) {
				BlockingQueue<Received> room = client.subscribeAndJoin("quiet");
				Thread.sleep(IO_TIMEOUT.plusSeconds(1).toMillis());
				client.send("/app/rooms/quiet/messages",
						Map.of("requestId", "r1", "body", Map.of("text", "still here")));
				assertThat(client.awaitAck("r1").path("ok").asBoolean()).isTrue();
				Received message = room.poll(StompTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				assertThat(message).as("the message after the quiet spell").isNotNull();
				assertThat(message.json().path("body").path("text").asString()).isEqualTo("still here");
			}
		}

	}

	/**
	 * Demo mode, where {@code POST /auth/demo-token} reads a body before any token is
	 * asked for.
	 */
	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "stompbox.demo=true", JettyThreadsIntegrationTests.SHORT_IO_TIMEOUT })
	class WhenClientsStallInTheMiddleOfABody {

		@LocalServerPort
		int port;

		@Autowired
		WebServerApplicationContext context;

		@Test
		void theyAreGivenUpAndOthersStillGetAnswers() throws Exception {
			int slow = pool(this.context).getMaxThreads() + 4;
			List<Socket> uploads = new ArrayList<>();
			try (HttpClient http = HttpClient.newHttpClient()) {
				for (int i = 0; i < slow; i++) {
					Socket socket = new Socket("127.0.0.1", this.port);
					socket.getOutputStream()
						.write(("POST /auth/demo-token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
								+ "Content-Length: 100000\r\n\r\n{")
							.getBytes(StandardCharsets.US_ASCII));
					uploads.add(socket);
				}
				long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
				HttpRequest health = HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health/liveness"))
					// Under Jetty's 30 s idle timeout: the threads must come free before
					// it.
					.timeout(Duration.ofSeconds(20))
					.build();
				while (true) {
					HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
					assertThat(answer.statusCode()).isEqualTo(200);
					if (uploads.stream().allMatch(JettyThreadsIntegrationTests::answeredOrClosed)) {
						break;
					}
					assertThat(System.nanoTime()).as("every stalled upload given up within 60 s").isLessThan(deadline);
					Thread.sleep(1000);
				}
			}
			finally {
				for (Socket upload : uploads) {
					upload.close();
				}
			}
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { TestTokens.SECRET_PROPERTY, "server.jetty.threads.max=37" })
	class WhenTheOperatorSetsTheMaximum {

		@Autowired
		WebServerApplicationContext context;

		@Test
		void theirMaximumWins() {
			assertThat(pool(this.context).getMaxThreads()).isEqualTo(37);
		}

	}

}
