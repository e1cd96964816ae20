package dev.stompbox.connection.jetty;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JettyConnectionsTests {

	@Test
	void connectionsWaitingToBeAcceptedAreNotDroppedPastJettysDefaultOf50() {
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		server.addConnector(connector);
		assertThat(connector.getAcceptQueueSize()).isZero();
		new JettyConnections().acceptQueue().customize(server);
		assertThat(connector.getAcceptQueueSize()).isEqualTo(JettyConnections.ACCEPT_QUEUE_SIZE);
	}

}
