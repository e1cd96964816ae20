package dev.stompbox.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy must not lose an answer that an instance gives before it read the request's
 * body. Spring's SockJS client sends a receive request's empty body chunked, its last
 * chunk after the head, and an instance with a frame waiting answers and closes at once.
 */
class RoundRobinHttpProxyTests {

	private static final String ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

	@Test
	void anAnswerGivenBeforeTheBodyWasReadReachesTheClient() throws Exception {
		try (ServerSocket instance = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
				RoundRobinHttpProxy proxy = RoundRobinHttpProxy.to(instance.getLocalPort());
				Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
			Thread.ofVirtual().start(() -> answerAfterTheHead(instance));
			OutputStream out = client.getOutputStream();
			out.write(ascii("POST /sockjs/1/s/xhr HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
			out.flush();
			// The last chunk comes late, as from a client on a busy machine.
			Thread.sleep(300);
			out.write(ascii("0\r\n\r\n"));
			out.flush();
			client.setSoTimeout(5000);
			assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
				.isEqualTo(ANSWER);
		}
	}

	/**
	 * Reads the request's head and what came with it (as Jetty reads a buffer at a time),
	 * answers, and closes.
	 */
	private static void answerAfterTheHead(ServerSocket instance) {
		try (Socket socket = instance.accept()) {
			InputStream in = socket.getInputStream();
			int matched = 0;
			while (matched < 4) {
				int b = in.read();
				if (b < 0) {
					return;
				}
				matched = (b == ((matched % 2 == 0) ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
			}
			in.skipNBytes(in.available());
			socket.getOutputStream().write(ascii(ANSWER));
			socket.getOutputStream().flush();
		}
		catch (IOException ex) {
			// the test fails on what the client saw
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
