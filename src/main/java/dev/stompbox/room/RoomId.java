package dev.stompbox.room;

import java.util.regex.Pattern;

import dev.stompbox.error.ErrorCode;

/** A room identifier as PROTOCOL.md section 3 defines it. */
public record RoomId(String value) {

	private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

	public RoomId {
		if (value == null || !VALID.matcher(value).matches()) {
			throw ErrorCode.BAD_REQUEST.exception("Room id must match ^[A-Za-z0-9_-]{1,64}$");
		}
	}

	public static RoomId of(String value) {
		return new RoomId(value);
	}

	public static boolean isValid(String value) {
		return value != null && VALID.matcher(value).matches();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
