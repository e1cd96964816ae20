package dev.stompbox.security;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The identities of tokens verified lately. Clients reconnect with the token they had
 * (every client of a storm does), and parsing and verifying it again was a tenth of what
 * a reconnect allocated. Keyed by the token's SHA-256, so no token stays in memory. An
 * entry is used until the token expires and for at most {@link #MAX_AGE}: a key taken out
 * of a JWKS stops being accepted within that time, cached or not.
 */
final class VerifiedTokens {

	static final Duration MAX_AGE = Duration.ofMinutes(5);

	/**
	 * About 150 bytes an entry, its identity shared with the connection that holds it.
	 */
	static final int MAX_ENTRIES = 20_000;

	private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

	private final Map<Digest, Entry> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	private final AtomicReference<Instant> nextSweep;

	VerifiedTokens(Clock clock) {
		this.clock = clock;
		this.nextSweep = new AtomicReference<>(clock.instant());
	}

	/**
	 * The identity of the token, from an earlier verification while it holds, else from
	 * {@code verification}, which fails for a token it refuses.
	 */
	ClientIdentity verified(String token, Function<String, ClientIdentity> verification) {
		Digest digest = Digest.of(token);
		Instant now = this.clock.instant();
		Entry entry = this.entries.get(digest);
		if (entry != null && now.isBefore(entry.until())) {
			return entry.identity();
		}
		if (entry != null) {
			this.entries.remove(digest, entry);
		}
		ClientIdentity identity = verification.apply(token);
		remember(digest, identity, now);
		return identity;
	}

	private void remember(Digest digest, ClientIdentity identity, Instant now) {
		Instant until = now.plus(MAX_AGE);
		if (identity.expiresAt() != null && identity.expiresAt().isBefore(until)) {
			until = identity.expiresAt();
		}
		if (!now.isBefore(until) || (this.entries.size() >= MAX_ENTRIES && !sweep(now))) {
			return;
		}
		this.entries.put(digest, new Entry(identity, until));
	}

	int size() {
		return this.entries.size();
	}

	/**
	 * Drops expired entries, at most once a second: a full cache of live tokens must not
	 * cost each new one a walk over all of them. Whether there is room afterwards.
	 */
	private boolean sweep(Instant now) {
		Instant due = this.nextSweep.get();
		if (now.isBefore(due) || !this.nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
			return false;
		}
		this.entries.values().removeIf((entry) -> !now.isBefore(entry.until()));
		return this.entries.size() < MAX_ENTRIES;
	}

	private record Entry(ClientIdentity identity, Instant until) {
	}

	/** A SHA-256 in four longs: a record compares them, where it would not an array. */
	private record Digest(long a, long b, long c, long d) {

		static Digest of(String token) {
			ByteBuffer hash = ByteBuffer.wrap(TokenDigest.of(token));
			return new Digest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
		}

	}

}
