package dev.stompbox.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.stompbox.support.TcpProxy;

/**
 * What a browser sees in front of a cluster: one address, a TCP proxy that sends each new
 * connection to the first instance that accepts it. Once an instance is stopped its port
 * refuses, and the next connection lands on the next instance, as behind a load balancer.
 * While paused it drops every new connection, like a network that is briefly gone.
 */
final class FailoverProxy implements AutoCloseable {

	private final TcpProxy proxy;

	private FailoverProxy(TcpProxy proxy) {
		this.proxy = proxy;
	}

	static FailoverProxy to(Integer... backendPorts) {
		List<Integer> backends = List.of(backendPorts);
		return new FailoverProxy(TcpProxy.to(() -> connectToFirstAlive(backends)));
	}

	int port() {
		return this.proxy.port();
	}

	void pause() {
		this.proxy.refuseNew(true);
	}

	void resume() {
		this.proxy.refuseNew(false);
	}

	@Override
	public void close() {
		this.proxy.close();
	}

	private static @Nullable Socket connectToFirstAlive(List<Integer> backends) {
		for (int port : backends) {
			Socket upstream = new Socket();
			try {
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
				return upstream;
			}
			catch (IOException ex) {
				try {
					upstream.close();
				}
				catch (IOException closing) {
					// never connected
				}
			}
		}
		return null;
	}

}
