package dev.stompbox.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One Stompbox instance: its WebSocket address and the HTTP base of its API and actuator. A
 * path ending in {@code /sockjs} is the SockJS endpoint, reached through its websocket
 * transport.
 */
record Target(String host, int port, String path, InetSocketAddress address) {

	static Target parse(String text) {
		String spec = text.contains("://") ? text : "ws://" + text;
		URI uri = URI.create(spec);
		if (!"ws".equals(uri.getScheme())) {
			throw new IllegalArgumentException("Only ws:// targets are supported, got " + text);
		}
		if (uri.getHost() == null) {
			throw new IllegalArgumentException("No host in target " + text);
		}
		int port = (uri.getPort() > 0) ? uri.getPort() : 80;
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/ws" : uri.getRawPath();
		return new Target(uri.getHost(), port, path, new InetSocketAddress(uri.getHost(), port));
	}

	static List<Target> parseAll(List<String> texts) {
		List<Target> targets = new ArrayList<>();
		for (String text : texts) {
			targets.add(parse(text));
		}
		if (targets.isEmpty()) {
			targets.add(parse("ws://localhost:8080/ws"));
		}
		return targets;
	}

	boolean sockJs() {
		return this.path.endsWith("/sockjs");
	}

	URI http(String pathAndQuery) {
		return URI.create("http://" + this.host + ":" + this.port + pathAndQuery);
	}

	@Override
	public String toString() {
		return "ws://" + this.host + ":" + this.port + this.path;
	}

}
