package dev.stompbox.connection;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container's own limits, which it enforces before Stompbox sees a message: no idle
 * timeout (Jetty's default closes a silent connection after 30 s, whatever heart-beats the
 * client chose), and a message limit above the frame limit, so that an oversized frame is
 * answered with the too-large ERROR frame ({@link FrameSizeIntegrationTests}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.max-frame-size=100KB" })
class WebSocketContainerIntegrationTests {

	@Autowired
	ServletContext servletContext;

	@Test
	void silentConnectionsAreNotTimedOutByTheContainer() {
		assertThat(container().getDefaultMaxSessionIdleTimeout()).isZero();
	}

	@Test
	void theContainersMessageLimitIsTwiceTheFrameLimit() {
		assertThat(container().getDefaultMaxTextMessageBufferSize()).isEqualTo(2 * 100 * 1024);
		assertThat(container().getDefaultMaxBinaryMessageBufferSize()).isEqualTo(2 * 100 * 1024);
	}

	private ServerContainer container() {
		return (ServerContainer) this.servletContext.getAttribute(ServerContainer.class.getName());
	}

}
