package dev.stompbox.security;

import java.util.List;

import dev.stompbox.room.RoomId;

/**
 * The rooms a token's {@code rooms} claim allows: exact ids and {@code prefix*} patterns.
 * A token without the claim allows every room.
 */
public record RoomAccess(List<String> patterns, boolean any) {

	public static final RoomAccess ANY = new RoomAccess(List.of(), true);

	public static RoomAccess of(List<String> patterns) {
		return new RoomAccess(List.copyOf(patterns), false);
	}

	public boolean allows(RoomId room) {
		if (this.any) {
			return true;
		}
		String id = room.value();
		for (String pattern : this.patterns) {
			if (pattern.endsWith("*") ? id.startsWith(pattern.substring(0, pattern.length() - 1))
					: id.equals(pattern)) {
				return true;
			}
		}
		return false;
	}

}
