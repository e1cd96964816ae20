package dev.stompbox.client;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.BoundedReplies;
import dev.stompbox.support.TestTokens;

/**
 * PROTOCOL.md section 4.1 with {@code STOMPBOX_HISTORY_SIZE=0}: nothing kept, nothing
 * claimed recovered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.history.size=0" })
class HistoryOffIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void aGapIsNeverRecoveredAllWhenNothingIsKept() {
		BoundedReplies.nothingKeptIsNeverRecoveredAll(this.port, this.port);
	}

}
