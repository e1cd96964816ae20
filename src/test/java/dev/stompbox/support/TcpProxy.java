package dev.stompbox.support;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on a free local port: each connection it accepts is piped both ways to an
 * upstream connection, until either side ends. It can refuse new connections (the network
 * is gone) and drop the open ones (a blip).
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final Upstream upstream;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean refusing;

	private TcpProxy(Upstream upstream) throws IOException {
		this.upstream = upstream;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("tcp-proxy").start(this::acceptAll);
	}

	/** Starts a proxy that connects each accepted connection to the upstream. */
	public static TcpProxy to(Upstream upstream) {
		try {
			return new TcpProxy(upstream);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Whether new connections are closed as soon as they are accepted. */
	public void refuseNew(boolean refusing) {
		this.refusing = refusing;
	}

	/** Closes every connection open through the proxy. */
	public void dropOpen() {
		this.open.forEach(TcpProxy::closeQuietly);
		this.open.clear();
	}

	@Override
	public void close() {
		closeQuietly(this.server);
		dropOpen();
	}

	private void acceptAll() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket upstream = this.refusing ? null : connectUpstream();
				if (upstream == null) {
					// The client sees its connection dropped.
					closeQuietly(client);
					continue;
				}
				this.open.add(client);
				this.open.add(upstream);
				Thread.ofVirtual().start(() -> pipe(client, upstream));
				Thread.ofVirtual().start(() -> pipe(upstream, client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private @Nullable Socket connectUpstream() {
		try {
			return this.upstream.connect();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** Copies one way until either side ends, then ends both. */
	private void pipe(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// one side went away, or the connection was dropped
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	/** Where an accepted connection goes. */
	@FunctionalInterface
	public interface Upstream {

		/** A connection to the upstream, or {@code null} when there is none to make. */
		@Nullable Socket connect() throws IOException;

	}

}
