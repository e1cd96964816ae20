package dev.stompbox.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WebSocket handshakes by hand over a plain socket, to read the HTTP status the server
 * answers with before any upgrade: 101 when it upgrades, 401 or 403 when it refuses.
 */
public final class Handshakes {

	private static final int READ_TIMEOUT_MS = 10_000;

	private Handshakes() {
	}

	/**
	 * The address of a new SockJS session's WebSocket transport, as a SockJS client
	 * builds it.
	 */
	public static String sockJsWebSocket() {
		return "/sockjs/000/" + java.util.UUID.randomUUID().toString().replace("-", "") + "/websocket";
	}

	/** A handshake request to {@code pathAndQuery} on the local server. */
	public static Request to(int port, String pathAndQuery) {
		return new Request(port, pathAndQuery);
	}

	public static final class Request {

		private final int port;

		private final String pathAndQuery;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private String host;

		private Request(int port, String pathAndQuery) {
			this.port = port;
			this.pathAndQuery = pathAndQuery;
			this.host = "localhost:" + port;
		}

		/** The {@code Host} header, as a front end passes the public host name on. */
		public Request host(String host) {
			this.host = host;
			return this;
		}

		public Request bearer(String token) {
			return header("Authorization", "Bearer " + token);
		}

		public Request origin(String origin) {
			return header("Origin", origin);
		}

		public Request header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		/** Sends the upgrade request and returns the status of the answer. */
		public int status() {
			StringBuilder request = new StringBuilder().append("GET ")
				.append(this.pathAndQuery)
				.append(" HTTP/1.1\r\n")
				.append("Host: ")
				.append(this.host)
				.append("\r\n")
				.append("Upgrade: websocket\r\n")
				.append("Connection: Upgrade\r\n")
				.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
				.append("Sec-WebSocket-Version: 13\r\n")
				.append("Sec-WebSocket-Protocol: v12.stomp\r\n");
			this.headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
			request.append("\r\n");
			try (Socket socket = new Socket("localhost", this.port)) {
				socket.setSoTimeout(READ_TIMEOUT_MS);
				OutputStream out = socket.getOutputStream();
				out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
				out.flush();
				BufferedReader in = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
				String statusLine = in.readLine();
				if (statusLine == null) {
					throw new AssertionError("The server closed the connection without an answer");
				}
				// "HTTP/1.1 101 " or "HTTP/1.1 401 "
				return Integer.parseInt(statusLine.split(" ")[1]);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
