package dev.stompbox.security;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stompbox.support.RawStompSocket;
import dev.stompbox.support.TestTokens;

import static dev.stompbox.security.Tokens.named;

/**
 * PROTOCOL.md section 2 with {@code STOMPBOX_JWT_ISSUER} and
 * {@code STOMPBOX_JWT_AUDIENCE} set: a token must name both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { TestTokens.SECRET_PROPERTY,
		"stompbox.jwt.issuer=https://id.example", "stompbox.jwt.audience=stompbox" })
class IssuerAndAudienceIntegrationTests {

	@LocalServerPort
	int port;

	static Stream<Arguments> refusedTokens() {
		return Stream.of(
				named("wrong iss",
						TestTokens.builder("alice").issuer("https://evil.example").audience("stompbox").sign()),
				named("missing iss", TestTokens.builder("alice").audience("stompbox").sign()),
				named("iss differing by a trailing slash",
						TestTokens.builder("alice").issuer("https://id.example/").audience("stompbox").sign()),
				named("wrong aud",
						TestTokens.builder("alice").issuer("https://id.example").audience("other-app").sign()),
				named("missing aud", TestTokens.builder("alice").issuer("https://id.example").sign()),
				named("neither", TestTokens.forUser("alice")));
	}

	@Test
	void tokenWithTheConfiguredIssuerAndAudienceIsAccepted() {
		String token = TestTokens.builder("alice").issuer("https://id.example").audience("stompbox").sign();
		TokenChecks.assertHandshakesAnswer(this.port, token, 101);
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			TokenChecks.assertConnectedAs("alice", connection.connect(token));
		}
	}

	@Test
	void tokenWithTheConfiguredAudienceAmongOthersIsAccepted() {
		String token = Tokens.hs256(
				Tokens.claims("alice").issuer("https://id.example").audience(List.of("other-app", "stompbox")).build());
		try (RawStompSocket connection = RawStompSocket.open(this.port, "/ws")) {
			TokenChecks.assertConnectedAs("alice", connection.connect(token));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusedTokens")
	void tokenWithoutTheConfiguredIssuerAndAudienceIsRefusedWith401AtTheHandshake(String token) {
		TokenChecks.assertHandshakesAnswer(this.port, token, 401);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusedTokens")
	void tokenWithoutTheConfiguredIssuerAndAudienceIsRefusedAtConnect(String token) {
		TokenChecks.assertRefusedAtConnect(this.port, token);
	}

}
