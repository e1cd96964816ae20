package dev.stompbox.room;

import tools.jackson.databind.json.JsonMapper;

/**
 * A room message's envelope JSON without the id and the ts that Redis stamps it with:
 * {@code {"id":"} + id + {@link #afterId} + ts + {@link #afterTs} is the envelope, the
 * concatenation {@code publish.lua} makes. Both parts come from one serialization of the
 * envelope with the id and the ts left blank (it was four, one per field).
 */
public record EnvelopeParts(String afterId, String afterTs) {

	private static final String ID_PREFIX = "{\"id\":\"";

	/**
	 * The blank ts. The last such text is it: after it comes at most a JSON string, and
	 * no {@code ,"} can occur unescaped inside one (as {@code RoomFeed.tsOf} relies on
	 * too).
	 */
	private static final String BLANK_TS = ",\"ts\":0";

	public static EnvelopeParts of(JsonMapper json, Draft draft) {
		String blank = json.writeValueAsString(new Envelope("", draft.room().value(), draft.type(), draft.from(),
				draft.body(), 0, draft.clientMsgId()));
		int ts = blank.lastIndexOf(BLANK_TS);
		if (!blank.startsWith(ID_PREFIX) || ts < 0) {
			throw new IllegalStateException("An envelope must begin with its id and have a ts: " + blank);
		}
		int tsValue = ts + BLANK_TS.length() - 1;
		return new EnvelopeParts(blank.substring(ID_PREFIX.length(), tsValue), blank.substring(tsValue + 1));
	}

}
