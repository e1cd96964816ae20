package dev.stompbox.connection.jetty;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How many connections wait for Jetty to accept them. Jetty asks the kernel for a backlog
 * of 50 unless told otherwise: when a deploy or a network blip drops thousands of clients
 * and they all come back within a second, the kernel drops the SYNs past the backlog, and
 * a client whose SYN was dropped retries after 1, 3, 7, 15, 31 s: in a 5,000-client
 * storm, a tail of clients took 113 s to be back. The kernel caps the backlog at
 * {@code net.core.somaxconn}.
 */
@Configuration(proxyBeanMethods = false)
class JettyConnections {

	static final int ACCEPT_QUEUE_SIZE = 4096;

	@Bean
	WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> jettyAcceptQueue() {
		return (factory) -> factory.addServerCustomizers(acceptQueue());
	}

	JettyServerCustomizer acceptQueue() {
		return (server) -> {
			for (Connector connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector) {
					serverConnector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
				}
			}
		};
	}

}
