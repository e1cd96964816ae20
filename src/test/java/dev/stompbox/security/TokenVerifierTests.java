package dev.stompbox.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import dev.stompbox.error.StompboxException;
import dev.stompbox.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A reconnecting client's token is not decoded again, and no token is accepted longer
 * than the decoder would accept it.
 */
class TokenVerifierTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z").toEpochMilli());

	private final List<String> decoded = new ArrayList<>();

	private Duration lifetime = Duration.ofHours(1);

	private boolean refuse;

	private final JwtDecoder decoder = (token) -> {
		this.decoded.add(token);
		if (this.refuse) {
			throw new BadJwtException("refused");
		}
		return Jwt.withTokenValue(token)
			.header("alg", "HS256")
			.subject("user-" + token)
			.issuedAt(this.clock.instant())
			.expiresAt(this.clock.instant().plus(this.lifetime))
			.build();
	};

	private final TokenVerifier verifier = new TokenVerifier(this.decoder, this.clock);

	@Test
	void aTokenVerifiedOnceIsNotDecodedAgain() {
		ClientIdentity first = this.verifier.verify("a").identity();
		ClientIdentity again = this.verifier.verify("a").identity();
		assertThat(again).isEqualTo(first);
		assertThat(again.userId()).isEqualTo("user-a");
		assertThat(this.decoded).containsExactly("a");
	}

	@Test
	void tokensAreNotConfused() {
		this.verifier.verify("a");
		this.verifier.verify("b");
		assertThat(this.verifier.verify("a").getName()).isEqualTo("user-a");
		assertThat(this.verifier.verify("b").getName()).isEqualTo("user-b");
		assertThat(this.decoded).containsExactly("a", "b");
	}

	@Test
	void aTokenIsDecodedAgainOnceItHasExpired() {
		this.lifetime = Duration.ofSeconds(60);
		this.verifier.verify("a");
		this.clock.advance(Duration.ofSeconds(59));
		this.verifier.verify("a");
		assertThat(this.decoded).hasSize(1);
		this.clock.advance(Duration.ofSeconds(1));
		this.refuse = true;
		assertThatExceptionOfType(StompboxException.class).isThrownBy(() -> this.verifier.verify("a"));
		assertThat(this.decoded).hasSize(2);
	}

	@Test
	void aLongLivedTokenIsDecodedAgainAfterTheCachesMaximumAge() {
		this.verifier.verify("a");
		this.clock.advance(VerifiedTokens.MAX_AGE.minusSeconds(1));
		this.verifier.verify("a");
		assertThat(this.decoded).hasSize(1);
		this.clock.advance(Duration.ofSeconds(1));
		this.verifier.verify("a");
		assertThat(this.decoded).hasSize(2);
	}

	@Test
	void aRefusedTokenIsNotRemembered() {
		this.refuse = true;
		assertThatExceptionOfType(StompboxException.class).isThrownBy(() -> this.verifier.verify("a"));
		this.refuse = false;
		assertThat(this.verifier.verify("a").getName()).isEqualTo("user-a");
		assertThat(this.decoded).hasSize(2);
	}

	@Test
	void aFullCacheTakesNewTokensOnlyOnceOldOnesHaveExpired() {
		VerifiedTokens tokens = new VerifiedTokens(this.clock);
		ClientIdentity identity = identity(this.clock.instant().plusSeconds(60));
		for (int i = 0; i < VerifiedTokens.MAX_ENTRIES; i++) {
			tokens.verified("t" + i, (token) -> identity);
		}
		ClientIdentity later = identity(this.clock.instant().plusSeconds(600));
		List<String> verifications = new ArrayList<>();
		Function<String, ClientIdentity> verification = (token) -> {
			verifications.add(token);
			return later;
		};
		tokens.verified("new", verification);
		assertThat(tokens.verified("new", verification)).isEqualTo(later);
		assertThat(verifications).hasSize(2);
		assertThat(tokens.size()).isEqualTo(VerifiedTokens.MAX_ENTRIES);
		this.clock.advance(Duration.ofSeconds(60));
		tokens.verified("new", verification);
		assertThat(tokens.verified("new", verification)).isEqualTo(later);
		assertThat(verifications).hasSize(3);
		assertThat(tokens.size()).isOne();
	}

	private static ClientIdentity identity(Instant expiresAt) {
		return new ClientIdentity("u", "u", RoomAccess.ANY, Set.of(), expiresAt);
	}

}
