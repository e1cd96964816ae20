package dev.stompbox.security.jwt;

import javax.crypto.SecretKey;

import org.jspecify.annotations.Nullable;

/** Demo mode's random signing key, or {@code null} when real keys are configured. */
record SigningMode(@Nullable SecretKey demoKey) {

	boolean demo() {
		return this.demoKey != null;
	}

}
