package dev.stompbox.connection.limit;

import java.nio.ByteBuffer;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import dev.stompbox.error.ErrorCode;

/**
 * Spring's STOMP decoder, with each frame's {@code content-length} checked as soon as its
 * header line is read (PROTOCOL.md section 5): a value that is not a non-negative integer
 * is {@code bad-request}, one over {@code STOMPBOX_MAX_FRAME_SIZE} is {@code too-large},
 * both at once, and the STOMP handler answers the failure with an ERROR frame and the
 * close. Spring's decoder ignores a value it cannot parse and reads on to the next NUL,
 * and for a large one waits for a body that never comes: either way the client is told
 * nothing.
 *
 * <p>
 * A frame refused here takes the frames decoded with it from the same WebSocket message
 * along, as a frame Spring cannot decode does: the connection ends with the ERROR frame.
 */
final class ContentLengthDecoder extends StompDecoder {

	private final int frameLimit;

	ContentLengthDecoder(int frameLimit) {
		this.frameLimit = frameLimit;
	}

	@Override
	public List<Message<byte[]>> decode(ByteBuffer byteBuffer,
			@Nullable MultiValueMap<String, String> partialMessageHeaders) {
		// The headers of a frame whose body has not all arrived are only reported in this
		// map.
		MultiValueMap<String, String> partial = (partialMessageHeaders != null) ? partialMessageHeaders
				: new LinkedMultiValueMap<>();
		List<Message<byte[]>> frames = super.decode(byteBuffer, partial);
		for (Message<byte[]> frame : frames) {
			check(NativeMessageHeaderAccessor.getFirstNativeHeader(StompHeaderAccessor.STOMP_CONTENT_LENGTH_HEADER,
					frame.getHeaders()));
		}
		check(partial.getFirst(StompHeaderAccessor.STOMP_CONTENT_LENGTH_HEADER));
		return frames;
	}

	/**
	 * The first {@code content-length} header is the one that counts, as in Spring's
	 * decoder.
	 */
	private void check(@Nullable String contentLength) {
		if (contentLength == null) {
			return;
		}
		if (contentLength.isEmpty() || !contentLength.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw ErrorCode.BAD_REQUEST.exception("content-length must be a non-negative integer");
		}
		String digits = contentLength.replaceFirst("^0+(?=.)", "");
		if (digits.length() > 10 || Long.parseLong(digits) > this.frameLimit) {
			throw ErrorCode.TOO_LARGE.exception("content-length exceeds " + this.frameLimit + " bytes");
		}
	}

}
