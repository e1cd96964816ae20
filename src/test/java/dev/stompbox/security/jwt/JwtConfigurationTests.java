package dev.stompbox.security.jwt;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 10: JWT settings that cannot work stop start-up, with a message
 * that names the setting; good ones start in the mode they select.
 */
class JwtConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(JwtOnly.class);

	@Test
	void aTenByteSecretStopsStartUpNamingTheSetting() {
		this.runner.withPropertyValues("stompbox.jwt.secret=0123456789").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context)).contains("STOMPBOX_JWT_SECRET")
				.contains("stompbox.jwt.secret")
				.contains("at least 32 bytes");
		});
	}

	@Test
	void aSecretIsCountedInUtf8BytesNotCharacters() {
		// 16 characters, 32 bytes: long enough.
		this.runner.withPropertyValues("stompbox.jwt.secret=" + "é".repeat(16))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(JwtDecoder.class));
		// 31 bytes: too short.
		this.runner.withPropertyValues("stompbox.jwt.secret=" + "a".repeat(31))
			.run((context) -> assertThat(context).hasFailed());
		withASecretAnd().run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aClockSkewOver60SecondsStopsStartUpNamingTheSetting() {
		withASecretAnd("stompbox.jwt.clock-skew=61s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context)).containsAnyOf("clock-skew", "clockSkew").contains("60");
		});
		withASecretAnd("stompbox.jwt.clock-skew=60s").run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aNegativeClockSkewStopsStartUp() {
		withASecretAnd("stompbox.jwt.clock-skew=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context)).containsAnyOf("clock-skew", "clockSkew");
		});
	}

	@Test
	void bothASecretAndAJwksUriStopStartUpNamingBothSettings() {
		withASecretAnd("stompbox.jwt.jwks-uri=https://id.example/.well-known/jwks.json").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context)).contains("STOMPBOX_JWT_SECRET").contains("STOMPBOX_JWT_JWKS_URI");
		});
	}

	@Test
	void demoModeOnlyWhenAskedForAndWithoutAKey() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(SigningKeyException.class);
		});
		this.runner.withPropertyValues("stompbox.jwt.secret=  ").run((context) -> {
			assertThat(context).as("a blank secret is no secret").hasFailed();
			assertThat(messages(context)).contains("STOMPBOX_JWT_SECRET nor STOMPBOX_JWT_JWKS_URI");
		});
		this.runner.withPropertyValues("stompbox.demo=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SigningMode.class).demo()).isTrue();
		});
		withASecretAnd().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SigningMode.class).demo()).isFalse();
		});
		this.runner.withPropertyValues("stompbox.demo=true", "stompbox.jwt.jwks-uri=https://id.example/jwks")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SigningMode.class).demo()).as("a key wins over the demo flag").isFalse();
			});
	}

	@Test
	void theReportOfAMissingKeySaysWhatToSet() {
		this.runner.run((context) -> {
			FailureAnalysis analysis = new SigningKeyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("STOMPBOX_JWT_SECRET").contains("STOMPBOX_JWT_JWKS_URI");
			assertThat(analysis.getAction()).contains("openssl rand").contains("STOMPBOX_DEMO=true");
		});
	}

	/**
	 * Every message in the chain of causes of the start-up failure, what an operator
	 * reads.
	 */
	/** The runner with a secret long enough, and the given properties. */
	private ApplicationContextRunner withASecretAnd(String... properties) {
		return this.runner.withPropertyValues("stompbox.jwt.secret=" + "a".repeat(32)).withPropertyValues(properties);
	}

	private static String messages(AssertableApplicationContext context) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return String.join("\n", messages);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ JwtProperties.class, DemoProperties.class })
	@Import(JwtConfiguration.class)
	static class JwtOnly {

	}

}
