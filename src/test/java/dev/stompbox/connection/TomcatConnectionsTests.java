package dev.stompbox.connection;

import java.time.Duration;
import java.util.List;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** Tomcat takes every connection the cap allows, so that the one past it hears 503. */
class TomcatConnectionsTests {

	@Test
	void tomcatAcceptsTheCapPlusRoomForHttp() {
		Connector connector = customized(20000);

		assertThat(((AbstractHttp11Protocol<?>) connector.getProtocolHandler()).getMaxConnections())
			.isEqualTo(20000 + TomcatConnections.HTTP_HEADROOM);
	}

	@Test
	void socketBuffersAreSmall() {
		Connector connector = customized(10000);

		assertThat(connector.getProperty("socket.appReadBufSize")).isEqualTo(Integer.toString(TomcatConnections.SOCKET_BUFFER_BYTES));
		assertThat(connector.getProperty("socket.appWriteBufSize")).isEqualTo(Integer.toString(TomcatConnections.SOCKET_BUFFER_BYTES));
	}

	private static Connector customized(int maxConnections) {
		Connector connector = new Connector("HTTP/1.1");
		ConnectionProperties properties = new ConnectionProperties(List.of(), maxConnections, Duration.ofMinutes(55),
				DataSize.ofKilobytes(64), 50, Duration.ofSeconds(10));
		new TomcatConnections().connectionLimitAndBuffers(properties).customize(connector);
		return connector;
	}

}
