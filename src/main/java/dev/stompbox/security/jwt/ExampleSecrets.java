package dev.stompbox.security.jwt;

import java.util.Locale;
import java.util.Set;

/**
 * HS256 secrets that were published as examples, in this project's documentation and
 * deploy files or as placeholders anywhere: a server signing with one accepts tokens
 * anyone can mint, so it does not start with one.
 */
final class ExampleSecrets {

	/**
	 * Every literal secret that this repository's README, docs and deploy files ever
	 * showed.
	 */
	private static final Set<String> PUBLISHED = Set.of("change-me-to-a-random-value-of-at-least-32-bytes",
			"change-me-to-32-bytes-or-more-please");

	/** Placeholder words nobody keeps in a real key. */
	private static final Set<String> PLACEHOLDERS = Set.of("change-me", "changeme", "change_me", "replace-me",
			"replace_me", "your-secret", "your_secret");

	private ExampleSecrets() {
	}

	static boolean isExample(String secret) {
		String lower = secret.strip().toLowerCase(Locale.ROOT);
		return PUBLISHED.contains(lower) || PLACEHOLDERS.stream().anyMatch(lower::contains);
	}

}
