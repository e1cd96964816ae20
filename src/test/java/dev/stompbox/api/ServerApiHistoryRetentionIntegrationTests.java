package dev.stompbox.api;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.stompbox.support.ServerApi;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.support.ServerApi.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * History through the server API when a room keeps only 3 messages (PROTOCOL.md 7.1, 10).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.history.size=3" })
class ServerApiHistoryRetentionIntegrationTests {

	@LocalServerPort
	int port;

	private ServerApi api;

	@BeforeEach
	void api() {
		this.api = new ServerApi(this.port);
	}

	@Test
	void historyIsIncompleteWhenMessagesAfterSinceAreNoLongerKept() {
		List<String> ids = this.api.publish("retention-gap", 5);
		JsonNode gap = this.api.history("retention-gap", ids.get(0), null);
		assertThat(ids(gap)).containsExactlyElementsOf(ids.subList(2, 5));
		assertThat(gap.path("complete").asBoolean()).isFalse();
		JsonNode covered = this.api.history("retention-gap", ids.get(1), null);
		assertThat(ids(covered)).containsExactlyElementsOf(ids.subList(2, 5));
		assertThat(covered.path("complete").asBoolean()).isTrue();
		JsonNode recent = this.api.history("retention-gap", ids.get(3), null);
		assertThat(ids(recent)).containsExactly(ids.get(4));
		assertThat(recent.path("complete").asBoolean()).isTrue();
	}

	@Test
	void historyWithoutSinceReturnsOnlyTheKeptMessages() {
		List<String> ids = this.api.publish("retention-all", 5);
		assertThat(ids(this.api.history("retention-all", null, null))).containsExactlyElementsOf(ids.subList(2, 5));
	}

	@Test
	void incompleteGapStillHonoursTheLimit() {
		List<String> ids = this.api.publish("retention-limit", 5);
		JsonNode page = this.api.history("retention-limit", ids.get(0), 2);
		assertThat(ids(page)).containsExactly(ids.get(2), ids.get(3));
		assertThat(page.path("complete").asBoolean()).isFalse();
	}

	@Test
	void limitAboveRetentionReturnsEverythingKept() {
		List<String> ids = this.api.publish("retention-cap", 4);
		JsonNode page = this.api.history("retention-cap", null, 1000);
		assertThat(ids(page)).containsExactlyElementsOf(ids.subList(1, 4));
	}

}
