package dev.stompbox.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a bare TCP socket, for what no WebSocket library does: it
 * sends any number of STOMP frames in one WebSocket text message, then resets the TCP
 * connection (SO_LINGER 0) with no close handshake, as a page reloaded on a bad network
 * does.
 */
public final class ResettingSocket implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private ResettingSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
	}

	/** Opens {@code /ws} on the local port and completes the WebSocket handshake. */
	public static ResettingSocket open(int port) {
		try {
			Socket socket = new Socket("127.0.0.1", port);
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			byte[] nonce = new byte[16];
			ThreadLocalRandom.current().nextBytes(nonce);
			String request = "GET /ws HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
					+ Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			String response = readHead(socket.getInputStream());
			if (!response.startsWith("HTTP/1.1 101")) {
				socket.close();
				throw new IllegalStateException("Handshake refused: " + response);
			}
			return new ResettingSocket(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What a page reload on a bad network sends before the connection goes: CONNECT, a
	 * SUBSCRIBE to the topic and a join of each room, as one WebSocket message.
	 */
	public static String connectSubscribeAndJoin(String token, String topic, List<String> rooms) {
		StringBuilder message = new StringBuilder();
		message.append("CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\nAuthorization:Bearer ")
			.append(token)
			.append("\n\n\u0000");
		message.append("SUBSCRIBE\nid:sub-0\ndestination:").append(topic).append("\nreceipt:subscribed\n\n\u0000");
		for (String room : rooms) {
			message.append("SEND\ndestination:/app/rooms/")
				.append(room)
				.append("/join\ncontent-type:application/json\n\n{\"requestId\":\"")
				.append(room)
				.append("\"}\u0000");
		}
		return message.toString();
	}

	/**
	 * Sends the message, waits 0 to {@code maxDelayMillis} ms at random, and resets the
	 * connection.
	 */
	public void sendAndReset(String message, int maxDelayMillis) {
		sendMessage(message);
		try {
			Thread.sleep(ThreadLocalRandom.current().nextInt(maxDelayMillis + 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		reset();
	}

	/**
	 * Sends the text as one WebSocket text message (one frame, masked as a client must).
	 */
	public void sendMessage(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (((long) payload.length >>> shift) & 0xFF));
			}
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		try {
			this.out.write(frame.toByteArray());
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Resets the connection: the server sees it end with no close frame and no FIN. */
	public void reset() {
		try {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	@Override
	public void close() {
		reset();
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				break;
			}
			head.append((char) next);
		}
		return head.toString();
	}

}
