package dev.stompbox.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;

/**
 * A Lua script kept beside the feature that owns it, with the SHA Redis caches it under.
 */
public record LuaScript(String name, String body, String sha) {

	/** Loads {@code dev/stompbox/<feature>/<name>} from the class path. */
	public static LuaScript load(Class<?> owner, String name) {
		String path = owner.getPackageName().replace('.', '/') + "/" + name;
		try {
			String body = new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
			return new LuaScript(name, body, sha1(body));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read script " + path, ex);
		}
	}

	private static String sha1(String body) {
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
				.digest(body.getBytes(StandardCharsets.UTF_8));
			StringBuilder hex = new StringBuilder();
			for (byte b : digest) {
				hex.append(String.format("%02x", b));
			}
			return hex.toString();
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
