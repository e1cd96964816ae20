package dev.stompbox.connection.jetty;

import java.time.Duration;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Jetty's request threads: eight per core, at least 24, instead of Boot's 200. In a
 * reconnect storm Jetty grew to 200 threads, 10 to 30 of them runnable at a time, and the
 * kernel shares a core evenly among runnable threads: Lettuce's I/O thread, which every
 * join waits on, got a sliver ({@code /proc/PID/task/TID/schedstat}: 11 s waiting to run
 * for each second run), answers took over the 1.5 s command timeout with Redis idle,
 * joins were refused and retried, and a storm on new instances never ended (it did with 8
 * and with 24 threads).
 * <p>
 * A thread reading a request body blocks until the bytes come, so a few clients that
 * stall a body (a SockJS {@code xhr_send}, the server API) could hold every thread: a
 * read or write that waits 10 s while a request is handled is given up. (Jetty's minimum
 * request data rate was tried and dropped: it counts from the start of the request, so it
 * refused a browser's small body that was read late.) {@code server.jetty.threads.max},
 * when set, wins.
 */
@Configuration(proxyBeanMethods = false)
class JettyThreads {

	static final String MAX_PROPERTY = "server.jetty.threads.max";

	/**
	 * Longest wait of one read or write while a request is handled (Jetty's default: 30
	 * s). Not an operator setting; tests shorten it with
	 * {@code stompbox.internal.request-io-timeout}.
	 */
	static final String REQUEST_IO_TIMEOUT_PROPERTY = "stompbox.internal.request-io-timeout";

	static final Duration REQUEST_IO_TIMEOUT = Duration.ofSeconds(10);

	static int defaultMax(int cores) {
		return Math.max(24, 8 * cores);
	}

	@Bean
	WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> jettyRequestBodyGuards(Environment environment) {
		Duration timeout = environment.getProperty(REQUEST_IO_TIMEOUT_PROPERTY, Duration.class, REQUEST_IO_TIMEOUT);
		return (factory) -> factory.addServerCustomizers(requestBodyGuards(timeout));
	}

	JettyServerCustomizer requestBodyGuards(Duration timeout) {
		return (server) -> {
			for (Connector connector : server.getConnectors()) {
				HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
				if (http != null) {
					http.getHttpConfiguration().setIdleTimeout(timeout.toMillis());
				}
			}
		};
	}

	@Bean
	WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> jettyThreadPool(Environment environment) {
		return new PoolSize(environment.containsProperty(MAX_PROPERTY) ? 0
				: defaultMax(Runtime.getRuntime().availableProcessors()));
	}

	/**
	 * Runs after Boot's customizer, which builds the pool from
	 * {@code server.jetty.threads}; a {@code max} of 0 (the operator set the maximum)
	 * leaves Boot's pool in place.
	 */
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
