package dev.stompbox.instance;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.StompTestClient;
import dev.stompbox.support.StompTestClient.Received;
import dev.stompbox.support.StompTestClient.Transport;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code SUBSCRIBE /app/instance} tells a client which instance holds its connection: one
 * message, nothing after it, and the connection stays usable.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.instance-id=instance-under-test" })
class InstanceSubscriptionIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void subscribingToAppInstanceAnswersOnceWithThisInstancesId() {
		for (Transport transport : new Transport[] { Transport.WEBSOCKET, Transport.SOCKJS }) {
			try (StompTestClient alice = StompTestClient.connect(this.port, TestTokens.forUser("alice"), transport)) {
				alice.ensureUserQueues();
				BlockingQueue<Received> answers = alice.subscribeNoWait("/app/instance", false);
				assertThat(StompTestClient.awaitOn(answers, (answer) -> true, "/app/instance")
					.path("instanceId")
					.asString()).as(transport.name()).isEqualTo("instance-under-test");
				assertThat(alice.join("instance-lobby").path("ok").asBoolean()).isTrue();
				assertThat(StompTestClient.poll(answers, Duration.ofMillis(300))).isNull();
				assertThat(StompTestClient.poll(alice.queue("/user/queue/errors"), Duration.ZERO)).isNull();
			}
		}
	}

}
