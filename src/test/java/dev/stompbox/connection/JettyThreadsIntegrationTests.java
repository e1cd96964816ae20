package dev.stompbox.connection;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty runs with a few threads per core, not Boot's 200, unless the operator says otherwise,
 * and clients that stall or trickle a request body cannot hold them all.
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
		catch (java.net.SocketTimeoutException stillReading) {
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

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = TestTokens.SECRET_PROPERTY)
	class ByDefault {

		@Autowired
		WebServerApplicationContext context;

		@Test
		void theServerRunsOnAPoolSizedToTheCores() {
			QueuedThreadPool pool = pool(this.context);
			assertThat(pool.getMaxThreads()).isEqualTo(JettyThreads.defaultMax(Runtime.getRuntime().availableProcessors()));
			assertThat(pool.getName()).isEqualTo("qtp-stompbox");
		}

	}

	/** Demo mode, where {@code POST /auth/demo-token} reads a body before any token is asked for. */
	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class WhenClientsSendBodiesAByteAtATime {

		@LocalServerPort
		int port;

		@Autowired
		WebServerApplicationContext context;

		@Test
		void theyAreRefusedAndOthersStillGetAnswers() throws Exception {
			int slow = pool(this.context).getMaxThreads() + 4;
			List<Socket> uploads = new ArrayList<>();
			try (HttpClient http = HttpClient.newHttpClient()) {
				for (int i = 0; i < slow; i++) {
					Socket socket = new Socket("127.0.0.1", this.port);
					socket.getOutputStream()
						.write(("POST /auth/demo-token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
								+ "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
					uploads.add(socket);
				}
				long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
				HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health/liveness"))
					.timeout(Duration.ofSeconds(30))
					.build();
				while (true) {
					// A byte a second from each, or none while the health check waits: far below the
					// rate a body must come at.
					for (Socket upload : uploads) {
						try {
							upload.getOutputStream().write(' ');
						}
						catch (IOException refused) {
							// the server gave up on this one: what the test waits for
						}
					}
					HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
					assertThat(answer.statusCode()).isEqualTo(200);
					if (uploads.stream().allMatch(JettyThreadsIntegrationTests::answeredOrClosed)) {
						break;
					}
					assertThat(System.nanoTime()).as("every slow upload refused within 60 s").isLessThan(deadline);
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
