package dev.stompbox.client;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.BoundedReplies;
import dev.stompbox.support.TestTokens;

/**
 * PROTOCOL.md 1.1 section 4: no reply grows with the room. Its own server, with a presence
 * list limit of 3 and a recovery limit of 5, so that a few users and messages exceed them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.presence.list-limit=" + BoundedRepliesIntegrationTests.LIST_LIMIT,
				"stompbox.recovery-limit=" + BoundedRepliesIntegrationTests.RECOVERY_LIMIT })
class BoundedRepliesIntegrationTests {

	static final int LIST_LIMIT = 3;

	static final int RECOVERY_LIMIT = 5;

	@LocalServerPort
	int port;

	@Test
	void aJoinIntoARoomOfMoreMembersThanTheListLimitListsTheLimitWithTheJoinerAndCountsEveryone() {
		BoundedReplies.membersOfARoomBiggerThanTheListLimit(LIST_LIMIT, this.port);
	}

}
