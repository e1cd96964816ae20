package dev.stompbox.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A STOMP client over a plain socket that subscribes to a room and then never reads
 * again, as a phone that lost its radio or a browser tab frozen in the background does:
 * the server's writes to it pile up in the kernel's buffers until a write blocks. Its
 * receive buffer is made small so that this happens after little data.
 */
public final class StalledReader implements AutoCloseable {

	private static final int RECEIVE_BUFFER = 4096;

	private final Socket socket;

	private StalledReader(Socket socket) {
		this.socket = socket;
	}

	/**
	 * Connects, subscribes to {@code /topic/rooms/{roomId}}, waits for the RECEIPT, then
	 * stops reading.
	 */
	public static StalledReader subscribedTo(int port, String token, String roomId) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setReceiveBufferSize(RECEIVE_BUFFER);
			socket.setSoTimeout(10_000);
			socket.connect(new InetSocketAddress("localhost", port), 10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(("GET /ws HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
					+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			expect(in, "\r\n\r\n", "HTTP/1.1 101");
			writeText(out, "CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\nAuthorization:Bearer " + token
					+ "\n\n\0");
			expect(in, "\0", "CONNECTED");
			writeText(out, "SUBSCRIBE\nid:0\ndestination:/topic/rooms/" + roomId + "\nreceipt:r0\n\n\0");
			expect(in, "\0", "RECEIPT");
			return new StalledReader(socket);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Whether the server has closed the connection: reads what is left (the server's
	 * kernel still sends what it had buffered) until the end of the stream or a reset,
	 * for at most 10 s.
	 */
	public boolean closedByServer() {
		long deadline = System.nanoTime() + 10_000_000_000L;
		byte[] drain = new byte[64 * 1024];
		try {
			this.socket.setSoTimeout(100);
			InputStream in = this.socket.getInputStream();
			while (System.nanoTime() < deadline) {
				try {
					if (in.read(drain) < 0) {
						return true;
					}
				}
				catch (java.net.SocketTimeoutException ex) {
					// Nothing yet: the server may still be closing.
				}
			}
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * Reads up to and including {@code end} and checks that what was read contains
	 * {@code expected}.
	 */
	private static void expect(InputStream in, String end, String expected) throws IOException {
		ByteArrayOutputStream read = new ByteArrayOutputStream();
		byte[] tail = end.getBytes(StandardCharsets.US_ASCII);
		while (!endsWith(read.toByteArray(), tail)) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed while waiting for " + expected + ": " + read);
			}
			read.write(b);
		}
		String text = read.toString(StandardCharsets.ISO_8859_1);
		if (!text.contains(expected)) {
			throw new IOException("Expected " + expected + " but got " + text);
		}
	}

	private static boolean endsWith(byte[] bytes, byte[] tail) {
		if (bytes.length < tail.length) {
			return false;
		}
		for (int i = 0; i < tail.length; i++) {
			if (bytes[bytes.length - tail.length + i] != tail[i]) {
				return false;
			}
		}
		return true;
	}

	/** One masked text frame, as a client must send (RFC 6455 section 5.3). */
	private static void writeText(OutputStream out, String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		out.write(frame.toByteArray());
		out.flush();
	}

}
