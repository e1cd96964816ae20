package dev.stompbox.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens as PROTOCOL.md section 2 describes them: minted here with HS256 when the secret is
 * known (the key is the secret's UTF-8 bytes), else fetched from {@code POST /auth/demo-token}
 * of the instance the connection goes to (demo mode).
 */
final class Tokens {

	static final String PUBLISH_SCOPE = "stompbox:publish";

	private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final String secret;

	private final Duration lifetime;

	private final HttpClient http;

	Tokens(String secret, Duration lifetime, HttpClient http) {
		this.secret = (secret == null || secret.isBlank()) ? null : secret;
		this.lifetime = lifetime;
		this.http = http;
	}

	boolean demo() {
		return this.secret == null;
	}

	/** One token per user, from the secret or, in demo mode, from the target each user connects to. */
	List<String> forUsers(List<String> userIds, List<Target> targets) {
		if (!demo()) {
			return userIds.stream().map(this::mint).toList();
		}
		Semaphore inFlight = new Semaphore(32);
		List<CompletableFuture<String>> tokens = new ArrayList<>();
		for (int i = 0; i < userIds.size(); i++) {
			inFlight.acquireUninterruptibly();
			tokens.add(fetchAsync(targets.get(i), userIds.get(i))
				.whenComplete((token, ex) -> inFlight.release()));
		}
		return tokens.stream().map(CompletableFuture::join).toList();
	}

	String forUser(String userId, Target target) {
		return demo() ? fetchAsync(target, userId).join() : mint(userId);
	}

	String mint(String userId) {
		long now = System.currentTimeMillis() / 1000;
		String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
		String claims = "{\"sub\":\"" + userId + "\",\"name\":\"" + userId + "\",\"scope\":\"" + PUBLISH_SCOPE
				+ "\",\"iat\":" + now + ",\"exp\":" + (now + this.lifetime.toSeconds()) + "}";
		String signingInput = encode(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ encode(claims.getBytes(StandardCharsets.UTF_8));
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return signingInput + "." + encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private CompletableFuture<String> fetchAsync(Target target, String userId) {
		URI uri = target.http("/auth/demo-token");
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\",\"name\":\"" + userId + "\"}"))
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
			Matcher matcher = TOKEN.matcher(response.body());
			if (response.statusCode() != 200 || !matcher.find()) {
				throw new IllegalStateException("POST " + uri + " answered " + response.statusCode()
						+ ((response.statusCode() == 404)
								? ": the server is not in demo mode, pass --secret (or set STOMPBOX_JWT_SECRET)" : ""));
			}
			return matcher.group(1);
		});
	}

	private static String encode(byte[] bytes) {
		return BASE64URL.encodeToString(bytes);
	}

}
