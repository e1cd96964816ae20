package dev.stompbox.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a browser sees in front of a cluster: one address, a TCP proxy that sends each new
 * connection to the first instance that accepts it. Once an instance is stopped its port
 * refuses, and the next connection lands on the next instance, as behind a load balancer.
 * While paused it drops every new connection, like a network that is briefly gone.
 */
final class FailoverProxy implements AutoCloseable {

	private final ServerSocket server;

	private final List<Integer> backends;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean paused;

	private FailoverProxy(List<Integer> backends) throws IOException {
		this.backends = backends;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("failover-proxy").start(this::acceptAll);
	}

	static FailoverProxy to(Integer... backendPorts) {
		try {
			return new FailoverProxy(List.of(backendPorts));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.server.getLocalPort();
	}

	void pause() {
		this.paused = true;
	}

	void resume() {
		this.paused = false;
	}

	private void acceptAll() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (this.paused) {
					client.close();
					continue;
				}
				Thread.ofVirtual().start(() -> relay(client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void relay(Socket client) {
		Socket upstream = connectToFirstAlive();
		if (upstream == null) {
			closeQuietly(client);
			return;
		}
		this.open.add(client);
		this.open.add(upstream);
		Thread.ofVirtual().start(() -> pipe(client, upstream));
		pipe(upstream, client);
	}

	private Socket connectToFirstAlive() {
		for (int port : this.backends) {
			Socket upstream = new Socket();
			try {
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
				return upstream;
			}
			catch (IOException ex) {
				closeQuietly(upstream);
			}
		}
		return null;
	}

	/** Copies one way until either side ends, then ends both. */
	private void pipe(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// one side went away
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// already closed
		}
		this.open.forEach(FailoverProxy::closeQuietly);
	}

}
