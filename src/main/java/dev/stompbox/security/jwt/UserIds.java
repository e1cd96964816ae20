package dev.stompbox.security.jwt;

/**
 * Which token subjects are user ids (PROTOCOL.md section 3): at most 128 characters, not
 * blank, and not {@code server} or {@code server:*}, which are reserved so that nothing a
 * client sends can pass for the server's own.
 */
final class UserIds {

	static final int MAX_LENGTH = 128;

	private static final String RESERVED = "server";

	private UserIds() {
	}

	static boolean isValid(String userId) {
		return userId != null && !userId.isBlank() && userId.length() <= MAX_LENGTH && !isReserved(userId);
	}

	static boolean isReserved(String userId) {
		return userId.equals(RESERVED) || userId.startsWith(RESERVED + ":");
	}

}
