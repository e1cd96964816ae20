package dev.stompbox.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.Handshakes;
import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 2 with {@code STOMPBOX_ALLOWED_ORIGINS} set: only the configured
 * origin (and the server's own) may open a connection; localhost no longer may.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { TestTokens.SECRET_PROPERTY, "stompbox.allowed-origins=https://app.example" })
class ConfiguredOriginAllowListIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void handshakeFromTheConfiguredOriginIsAcceptedOverBothEndpoints() {
		assertThat(Handshakes.to(this.port, "/ws").origin("https://app.example").status()).isEqualTo(101);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).origin("https://app.example").status())
			.isEqualTo(101);
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "http://evil.example", "http://localhost:3000", "http://127.0.0.1:5173", "http://app.example",
					"https://app.example:8443", "https://app.example.evil.example", "https://evil.app.example" })
	void handshakeFromAnyOtherOriginIsRefusedWith403(String origin) {
		assertThat(Handshakes.to(this.port, "/ws").origin(origin).status()).isEqualTo(403);
		assertThat(Handshakes.to(this.port, Handshakes.sockJsWebSocket()).origin(origin).status()).isEqualTo(403);
	}

	@Test
	void handshakeWithoutAnOriginIsStillAccepted() {
		assertThat(Handshakes.to(this.port, "/ws").status()).isEqualTo(101);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			TokenChecks.assertConnectedAs("alice", connection.connect(TestTokens.forUser("alice")));
		}
	}

	@Test
	void handshakeFromTheSameOriginIsAccepted() {
		assertThat(Handshakes.to(this.port, "/ws").origin("http://localhost:" + this.port).status()).isEqualTo(101);
	}

}
