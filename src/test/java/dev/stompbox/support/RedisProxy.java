package dev.stompbox.support;

import java.net.Socket;

/**
 * A TCP proxy in front of a {@link RedisTestServer}: a network blip on demand. While cut,
 * it drops every connection and refuses new ones, yet Redis keeps its data, unlike
 * {@link RedisTestServer#interrupt()}, which comes back empty: what an instance failed to
 * write during the blip is still missing afterwards unless it retried.
 */
public final class RedisProxy implements AutoCloseable {

	private final TcpProxy proxy;

	private RedisProxy(TcpProxy proxy) {
		this.proxy = proxy;
	}

	public static RedisProxy to(RedisTestServer redis) {
		return new RedisProxy(TcpProxy.to(() -> new Socket(redis.host(), redis.port())));
	}

	/**
	 * {@code redis://127.0.0.1:<proxy port>}, what the instances' {@code REDIS_URL} is
	 * set to.
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.proxy.port();
	}

	/** Drops every connection, and every new one until {@link #restore()}. */
	public void cut() {
		this.proxy.refuseNew(true);
		this.proxy.dropOpen();
	}

	public void restore() {
		this.proxy.refuseNew(false);
	}

	@Override
	public void close() {
		this.proxy.close();
	}

}
