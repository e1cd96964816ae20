package dev.stompbox.connection.jetty;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.adapter.standard.WebSocketToStandardExtensionAdapter;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.ServerEndpointRegistration;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * Spring's Jakarta upgrade, with one container default configurator for every handshake.
 * Spring makes a new endpoint configuration for each handshake, and the Jakarta API looks
 * up the container's default configurator with a {@code ServiceLoader} once per
 * configuration: on Jetty, that is a scan of every jar for each connection, under the
 * class loader's locks, which held connection storms to a few hundred connections a
 * second.
 * <p>
 * Two things are left out of what each connection keeps, since no handler here reads them
 * after the handshake: the session gets no copy of the handshake's headers (1.4 KiB per
 * connection, as Spring copies them), and the container lets go of the servlet request
 * once the session is open ({@link ReleasableUpgradeRequest}). What it does otherwise is
 * Spring's {@code upgrade}, unchanged.
 */
public class SharedConfiguratorUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

	/** Bytes Jetty's builder of an incoming text message starts with. */
	static final int MESSAGE_BUILDER_START = 512;

	private final ServerEndpointConfig.Configurator containerDefault = new ServerEndpointConfig.Configurator()
		.getContainerDefaultConfigurator();

	/**
	 * What every session gets for its handshake headers: one read-only empty set for all.
	 */
	private final HttpHeaders noHandshakeHeaders = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders());

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		StandardWebSocketSession session = new StandardWebSocketSession(this.noHandshakeHeaders, attributes,
				localAddress(request), remoteAddress(request), user);
		ReleasableUpgradeRequest servletRequest = new ReleasableUpgradeRequest(getHttpServletRequest(request));
		StandardWebSocketHandlerAdapter endpoint = new StandardWebSocketHandlerAdapter(
				new ReleasingHandler(wsHandler, servletRequest), session);
		List<Extension> extensions = new ArrayList<>();
		for (WebSocketExtension extension : selectedExtensions) {
			extensions.add(new WebSocketToStandardExtensionAdapter(extension));
		}
		HttpServletResponse servletResponse = getHttpServletResponse(response);
		ServerEndpointRegistration config = new Registration(servletRequest.getRequestURI(), endpoint,
				this.containerDefault);
		config.setSubprotocols(Collections.singletonList(selectedProtocol));
		config.setExtensions(extensions);
		try {
			getContainer(servletRequest).upgradeHttpToWebSocket(servletRequest, servletResponse, config,
					Collections.emptyMap());
		}
		catch (Exception ex) {
			throw new HandshakeFailureException(
					"Servlet request failed to upgrade to WebSocket: " + servletRequest.getRequestURL(), ex);
		}
	}

	private static @Nullable InetSocketAddress localAddress(ServerHttpRequest request) {
		try {
			return request.getLocalAddress();
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static @Nullable InetSocketAddress remoteAddress(ServerHttpRequest request) {
		try {
			return request.getRemoteAddress();
		}
		catch (Exception ex) {
			return null;
		}
	}

	/**
	 * Releases the upgrade request once Spring has read what it needs from the open
	 * session.
	 */
	private static final class ReleasingHandler extends WebSocketHandlerDecorator {

		private final ReleasableUpgradeRequest request;

		ReleasingHandler(WebSocketHandler delegate, ReleasableUpgradeRequest request) {
			super(delegate);
			this.request = request;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			this.request.release();
			startMessagesSmall(session);
			super.afterConnectionEstablished(session);
		}

		/**
		 * Jetty gathers each text message in a builder of the session's input buffer
		 * size, a new one per message: 4 KiB for a SUBSCRIBE of a hundred bytes, 7% of
		 * what an instance allocated in a reconnect storm. The builder grows as a message
		 * needs, and the connection's read buffer keeps the size it was opened with.
		 */
		private static void startMessagesSmall(WebSocketSession session) {
			if (session instanceof StandardWebSocketSession standard
					&& standard.getNativeSession() instanceof JakartaWebSocketSession jetty) {
				jetty.getCoreSession().setInputBufferSize(MESSAGE_BUILDER_START);
			}
		}

	}

	private static final class Registration extends ServerEndpointRegistration {

		private final ServerEndpointConfig.Configurator containerDefault;

		Registration(String path, Endpoint endpoint, ServerEndpointConfig.Configurator containerDefault) {
			super(path, endpoint);
			this.containerDefault = containerDefault;
		}

		@Override
		public ServerEndpointConfig.Configurator getContainerDefaultConfigurator() {
			return this.containerDefault;
		}

	}

}
