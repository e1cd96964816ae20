package dev.stompbox.security.jwt;

/**
 * The configuration says neither how tokens are verified nor that this is a demo: the
 * server does not start rather than fall back to demo mode (PROTOCOL.md section 2).
 */
class SigningKeyException extends RuntimeException {

	private final String action;

	private SigningKeyException(String description, String action) {
		super(description);
		this.action = action;
	}

	static SigningKeyException missing() {
		return new SigningKeyException(
				"No key to verify tokens with: neither STOMPBOX_JWT_SECRET nor STOMPBOX_JWT_JWKS_URI is set, "
						+ "and demo mode (STOMPBOX_DEMO) is off.",
				"Set STOMPBOX_JWT_SECRET (an HS256 key of at least 32 bytes, for example from "
						+ "'openssl rand -base64 48') or STOMPBOX_JWT_JWKS_URI (your identity provider's JWKS "
						+ "address). For a local try-out without keys, set STOMPBOX_DEMO=true instead: then "
						+ "anyone can get a token.");
	}

	String action() {
		return this.action;
	}

}
