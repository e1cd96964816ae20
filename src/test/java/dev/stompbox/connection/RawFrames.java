package dev.stompbox.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.stompbox.support.RawStompSocket;

/**
 * STOMP frames written by hand for {@link RawStompSocket}, and readers for the frames the
 * server answers with. Frames are short strings here so a test shows exactly what is
 * sent.
 */
final class RawFrames {

	static final String NUL = "\u0000";

	private RawFrames() {
	}

	static String connect(@Nullable String token, String heartBeat) {
		String auth = (token != null) ? "Authorization:Bearer " + token + "\n" : "";
		return "CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:" + heartBeat + "\n" + auth + "\n" + NUL;
	}

	static String subscribe(String id, String destination, String receipt) {
		return "SUBSCRIBE\nid:" + id + "\ndestination:" + destination + "\nreceipt:" + receipt + "\n\n" + NUL;
	}

	static String send(String destination, String json) {
		return sendHeaders(destination) + json + NUL;
	}

	/**
	 * A SEND frame of exactly {@code totalBytes} UTF-8 bytes, its body a JSON message.
	 */
	static String sendOfSize(String destination, String requestId, int totalBytes) {
		String head = sendHeaders(destination) + "{\"requestId\":\"" + requestId + "\",\"body\":\"";
		String tail = "\"}" + NUL;
		int padding = totalBytes - bytes(head) - bytes(tail);
		if (padding < 0) {
			throw new IllegalArgumentException("A SEND frame needs more than " + totalBytes + " bytes");
		}
		String frame = head + "x".repeat(padding) + tail;
		if (bytes(frame) != totalBytes) {
			throw new IllegalStateException("Frame is " + bytes(frame) + " bytes, not " + totalBytes);
		}
		return frame;
	}

	static String disconnect(String receipt) {
		return "DISCONNECT\nreceipt:" + receipt + "\n\n" + NUL;
	}

	static int bytes(String frame) {
		return frame.getBytes(StandardCharsets.UTF_8).length;
	}

	private static String sendHeaders(String destination) {
		return "SEND\ndestination:" + destination + "\ncontent-type:application/json\n\n";
	}

	/** The command line of a frame, with heart-beat end-of-lines before it skipped. */
	static String command(String frame) {
		return RawStompSocket.command(frame);
	}

	/** The first value of a header, or {@code null}. */
	static @Nullable String header(String frame, String name) {
		return RawStompSocket.header(frame, name);
	}

	static String body(String frame) {
		return RawStompSocket.body(frame);
	}

	static boolean isReceipt(String frame, String receiptId) {
		return "RECEIPT".equals(command(frame)) && receiptId.equals(header(frame, "receipt-id"));
	}

	static boolean isMessageOn(String frame, String destination) {
		return "MESSAGE".equals(command(frame)) && destination.equals(header(frame, "destination"));
	}

	/**
	 * Reads frames until one matches, each within the socket's timeout, and returns it;
	 * the frames skipped on the way are added to {@code skipped} when it is given.
	 */
	static String awaitFrame(RawStompSocket socket, Predicate<String> matching, @Nullable List<String> skipped) {
		List<String> seen = (skipped != null) ? skipped : new ArrayList<>();
		while (true) {
			String frame = socket.nextCommandFrame();
			if (matching.test(frame)) {
				return frame;
			}
			seen.add(frame);
		}
	}

	/**
	 * Subscribes and waits for the RECEIPT, so what the server sends next reaches the
	 * socket.
	 */
	static void subscribeAndAwaitReceipt(RawStompSocket socket, String id, String destination) {
		String receipt = "receipt-" + id;
		socket.send(subscribe(id, destination, receipt));
		awaitFrame(socket, (frame) -> isReceipt(frame, receipt), null);
	}

}
