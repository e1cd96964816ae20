package dev.stompbox.connection;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Jetty's request threads, four per core (at least eight) instead of Boot's 200. Nothing on
 * them blocks: they run handshakes and hand each client frame to the inbound channel. In a
 * reconnect storm Jetty grew to 200 threads, all runnable, and the kernel shares a core
 * evenly among runnable threads: Lettuce's I/O thread, which every join waits on, got one
 * slice in twenty ({@code /proc/PID/task/TID/schedstat}: 11 s waiting to run for each second
 * run), answers took over the 1.5 s command timeout with Redis idle, joins were refused and
 * retried, and a storm on new instances never ended. {@code server.jetty.threads.max}, when
 * set, wins.
 */
@Configuration(proxyBeanMethods = false)
class JettyThreads {

	static final String MAX_PROPERTY = "server.jetty.threads.max";

	static int defaultMax(int cores) {
		return Math.max(8, 4 * cores);
	}

	@Bean
	WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> jettyThreadPool(Environment environment) {
		return new PoolSize(environment.containsProperty(MAX_PROPERTY) ? 0
				: defaultMax(Runtime.getRuntime().availableProcessors()));
	}

	/** Runs after Boot's customizer, which builds the pool from {@code server.jetty.threads}. */
	record PoolSize(int max) implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

		@Override
		public void customize(ConfigurableJettyWebServerFactory factory) {
			if (this.max > 0) {
				QueuedThreadPool pool = new QueuedThreadPool(this.max, Math.min(8, this.max));
				pool.setName("qtp-stompbox");
				factory.setThreadPool(pool);
			}
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
