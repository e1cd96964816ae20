package dev.stompbox.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A load balancer with no session affinity, as a corporate proxy sees the web: every HTTP
 * request goes to the next instance in turn, each on a connection of its own (the
 * client's connection is closed after each response, so a client cannot pin an instance
 * with keep-alive), and a WebSocket upgrade is refused.
 */
public final class RoundRobinHttpProxy implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RoundRobinHttpProxy.class);

	private final ServerSocket server;

	private final List<Integer> backends;

	private final AtomicInteger next = new AtomicInteger();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger refusedUpgrades = new AtomicInteger();

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private RoundRobinHttpProxy(List<Integer> backends) throws IOException {
		this.backends = backends;
		this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("round-robin-proxy").start(this::acceptAll);
	}

	public static RoundRobinHttpProxy to(Integer... backendPorts) {
		try {
			return new RoundRobinHttpProxy(List.of(backendPorts));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Requests passed on so far. */
	public int requests() {
		return this.requests.get();
	}

	public int refusedUpgrades() {
		return this.refusedUpgrades.get();
	}

	private void acceptAll() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Thread.ofVirtual().start(() -> serve(client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void serve(Socket client) {
		this.open.add(client);
		String requestLine = null;
		int backend = -1;
		CountingStream answered = null;
		String step = "reading the request";
		try (client) {
			InputStream in = client.getInputStream();
			String head = readHead(in);
			if (head == null) {
				return;
			}
			String[] lines = head.split("\r\n");
			requestLine = lines[0];
			StringBuilder forwarded = new StringBuilder(lines[0]).append("\r\n");
			long length = 0;
			for (int i = 1; i < lines.length; i++) {
				String line = lines[i];
				int colon = line.indexOf(':');
				String name = (colon > 0) ? line.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
				String value = (colon > 0) ? line.substring(colon + 1).trim() : "";
				if (name.equals("upgrade") && value.equalsIgnoreCase("websocket")) {
					this.refusedUpgrades.incrementAndGet();
					client.getOutputStream()
						.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
							.getBytes(StandardCharsets.US_ASCII));
					return;
				}
				if (name.equals("content-length")) {
					length = Long.parseLong(value);
				}
				if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
					length = -1;
				}
				if (!name.equals("connection") && !name.equals("keep-alive")) {
					forwarded.append(line).append("\r\n");
				}
			}
			forwarded.append("Connection: close\r\n\r\n");
			backend = this.backends.get(Math.floorMod(this.next.getAndIncrement(), this.backends.size()));
			this.requests.incrementAndGet();
			try (Socket upstream = new Socket()) {
				this.open.add(upstream);
				step = "connecting";
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backend), 2000);
				step = "forwarding the request";
				// In one write: an instance may answer before it read the body (a SockJS
				// receive request that has a frame waiting), close, and reset a body that
				// comes after; the reset would then discard its answer unread.
				ByteArrayOutputStream request = new ByteArrayOutputStream();
				request.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
				if (length >= 0) {
					copy(in, request, length);
				}
				else {
					copyChunked(in, request);
				}
				upstream.getOutputStream().write(request.toByteArray());
				upstream.getOutputStream().flush();
				// The response ends when the instance closes: it was asked to.
				step = "answering";
				answered = new CountingStream(client.getOutputStream());
				upstream.getInputStream().transferTo(answered);
				if (answered.count == 0) {
					logger.warn("Instance on port " + backend + " closed '" + requestLine + "' without an answer");
				}
			}
			finally {
				this.open.removeIf(Socket::isClosed);
			}
		}
		catch (IOException ex) {
			// Either side went away; when nothing was answered, the client sees an empty
			// response, and a failing test needs to know why.
			if (requestLine != null && (answered == null || answered.count == 0) && !this.server.isClosed()) {
				logger.warn("'" + requestLine + "' to the instance on port " + backend + " got no answer, failed "
						+ step + ": " + ex);
			}
		}
		finally {
			this.open.remove(client);
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		int b;
		while ((b = in.read()) >= 0) {
			head.write(b);
			matched = switch (matched) {
				case 0, 2 -> (b == '\r') ? matched + 1 : 0;
				case 1, 3 -> (b == '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
				default -> 0;
			};
			if (matched == 4) {
				String text = head.toString(StandardCharsets.ISO_8859_1);
				return text.substring(0, text.length() - 4);
			}
		}
		return null;
	}

	private static void copy(InputStream in, OutputStream out, long length) throws IOException {
		byte[] buffer = new byte[8192];
		long left = length;
		while (left > 0) {
			int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
			if (n < 0) {
				throw new IOException("Body ended early");
			}
			out.write(buffer, 0, n);
			left -= n;
		}
	}

	/**
	 * Copies a chunked body as it is, up to its last chunk and the empty line after it.
	 */
	private static void copyChunked(InputStream in, OutputStream out) throws IOException {
		while (true) {
			String sizeLine = readLine(in);
			out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			int semicolon = sizeLine.indexOf(';');
			long size = Long.parseLong((semicolon >= 0) ? sizeLine.substring(0, semicolon).trim() : sizeLine.trim(),
					16);
			if (size == 0) {
				String trailer;
				do {
					trailer = readLine(in);
					out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				}
				while (!trailer.isEmpty());
				return;
			}
			copy(in, out, size + 2);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) >= 0 && b != '\n') {
			if (b != '\r') {
				line.append((char) b);
			}
		}
		if (b < 0) {
			throw new IOException("Body ended early");
		}
		return line.toString();
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing
		}
		for (Socket socket : this.open) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing
			}
		}
	}

	/**
	 * Streams each piece on as it comes (an xhr_streaming response must not wait in a
	 * buffer) and counts what was answered.
	 */
	private static final class CountingStream extends OutputStream {

		private final OutputStream out;

		private long count;

		CountingStream(OutputStream out) {
			this.out = out;
		}

		@Override
		public void write(int b) throws IOException {
			this.out.write(b);
			this.out.flush();
			this.count++;
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			this.out.write(b, off, len);
			this.out.flush();
			this.count += len;
		}

	}

}
