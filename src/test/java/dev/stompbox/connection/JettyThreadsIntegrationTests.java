package dev.stompbox.connection;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/** Jetty runs with a few threads per core, not Boot's 200, unless the operator says otherwise. */
class JettyThreadsIntegrationTests {

	static QueuedThreadPool pool(WebServerApplicationContext context) {
		return (QueuedThreadPool) ((JettyWebServer) context.getWebServer()).getServer().getThreadPool();
	}

	@Test
	void fourThreadsPerCoreAndNeverFewerThanEight() {
		assertThat(JettyThreads.defaultMax(1)).isEqualTo(8);
		assertThat(JettyThreads.defaultMax(2)).isEqualTo(8);
		assertThat(JettyThreads.defaultMax(16)).isEqualTo(64);
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
