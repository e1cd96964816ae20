package dev.stompbox.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a {@link RedisTestServer}: a network blip on demand. While cut,
 * it drops every connection and refuses new ones, yet Redis keeps its data, unlike
 * {@link RedisTestServer#interrupt()}, which comes back empty: what an instance failed to
 * write during the blip is still missing afterwards unless it retried.
 */
public final class RedisProxy implements AutoCloseable {

	private final ServerSocket server;

	private final RedisTestServer redis;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	private RedisProxy(RedisTestServer redis) throws IOException {
		this.redis = redis;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofPlatform().daemon().name("redis-proxy").start(this::acceptAll);
	}

	public static RedisProxy to(RedisTestServer redis) {
		try {
			return new RedisProxy(redis);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * {@code redis://127.0.0.1:<proxy port>}, what the instances' {@code REDIS_URL} is
	 * set to.
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.server.getLocalPort();
	}

	/** Drops every connection, and every new one until {@link #restore()}. */
	public void cut() {
		this.cut = true;
		this.open.forEach(RedisProxy::closeQuietly);
		this.open.clear();
	}

	public void restore() {
		this.cut = false;
	}

	@Override
	public void close() {
		cut();
		closeQuietly(this.server);
	}

	private void acceptAll() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (this.cut) {
					closeQuietly(client);
					continue;
				}
				Socket upstream = new Socket(this.redis.host(), this.redis.port());
				this.open.add(client);
				this.open.add(upstream);
				Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
				Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
			}
			catch (IOException ex) {
				// closed, or Redis refused: the client sees its connection dropped
			}
		}
	}

	private void pump(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// cut
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
