package dev.stompbox.room;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.stompbox.error.ErrorCode;

/**
 * Reads request bodies field by field, failing with {@code bad-request} on anything
 * malformed.
 */
public final class JsonFields {

	private JsonFields() {
	}

	/** The body as a JSON object; an empty body is an empty object. */
	public static ObjectNode object(JsonMapper json, byte[] body) {
		if (body.length == 0) {
			return json.createObjectNode();
		}
		JsonNode node;
		try {
			node = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw ErrorCode.BAD_REQUEST.exception("Body is not valid JSON");
		}
		if (node == null || node.isMissingNode()) {
			return json.createObjectNode();
		}
		if (!(node instanceof ObjectNode object)) {
			throw ErrorCode.BAD_REQUEST.exception("Body must be a JSON object");
		}
		return object;
	}

	public static @Nullable String text(JsonNode node, String field, int maxLength) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString() || value.asString().isEmpty() || value.asString().length() > maxLength) {
			throw ErrorCode.BAD_REQUEST
				.exception("'" + field + "' must be a non-empty string of at most " + maxLength + " characters");
		}
		return value.asString();
	}

	public static boolean flag(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			throw ErrorCode.BAD_REQUEST.exception("'" + field + "' must be true or false");
		}
		return value.booleanValue();
	}

}
