package dev.stompbox.connection;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which SockJS requests {@link WebSocketHandshakeFilter} takes as handshakes. */
class WebSocketHandshakeFilterTests {

	@Test
	void aWebsocketTransportRequestWithPlainIdsIsOne() {
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/abc/websocket")).isTrue();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/1/0f3e-A_9/websocket")).isTrue();
	}

	@Test
	void anythingElseIsNot() {
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/abc/xhr")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/info")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs//abc/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000//websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/a/b/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/a.b/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/a%2Fb/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/sockjs/000/abc;x=1/websocket")).isFalse();
		assertThat(WebSocketHandshakeFilter.isSockJsWebSocket("/ws")).isFalse();
	}

}
