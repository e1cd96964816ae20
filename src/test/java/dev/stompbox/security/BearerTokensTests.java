package dev.stompbox.security;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** Where PROTOCOL.md section 2 lets a client put its token, and which place wins. */
class BearerTokensTests {

	@Test
	void handshakeAuthorizationHeaderWinsOverTheQueryParameter() {
		MockHttpServletRequest request = handshake("access_token=from-query");
		request.addHeader("Authorization", "Bearer from-header");
		assertThat(BearerTokens.fromHandshake(new ServletServerHttpRequest(request))).contains("from-header");
	}

	@Test
	void handshakeQueryParameterIsUsedWithoutAHeader() {
		assertThat(BearerTokens.fromHandshake(new ServletServerHttpRequest(handshake("x=1&access_token=abc.def.ghi"))))
			.contains("abc.def.ghi");
	}

	@Test
	void handshakeWithoutATokenHasNone() {
		assertThat(BearerTokens.fromHandshake(new ServletServerHttpRequest(handshake(null)))).isEmpty();
		assertThat(BearerTokens.fromHandshake(new ServletServerHttpRequest(handshake("access_token=")))).isEmpty();
		MockHttpServletRequest basic = handshake(null);
		basic.addHeader("Authorization", "Basic YWxpY2U6c2VjcmV0");
		assertThat(BearerTokens.fromHandshake(new ServletServerHttpRequest(basic))).isEmpty();
	}

	@Test
	void bearerSchemeIsCaseInsensitive() {
		MockHttpServletRequest request = handshake(null);
		request.addHeader("Authorization", "bearer abc.def.ghi");
		assertThat(BearerTokens.fromHandshake(new ServletServerHttpRequest(request))).contains("abc.def.ghi");
	}

	@Test
	void connectAuthorizationHeaderWinsOverPasscode() {
		StompHeaderAccessor connect = StompHeaderAccessor.create(StompCommand.CONNECT);
		connect.setNativeHeader("Authorization", "Bearer from-header");
		connect.setPasscode("from-passcode");
		assertThat(BearerTokens.fromConnect(connect)).contains("from-header");
	}

	@Test
	void connectPasscodeCarriesABareToken() {
		StompHeaderAccessor connect = StompHeaderAccessor.create(StompCommand.CONNECT);
		connect.setLogin("alice");
		connect.setPasscode("abc.def.ghi");
		assertThat(BearerTokens.fromConnect(connect)).contains("abc.def.ghi");
	}

	@Test
	void connectWithoutATokenHasNone() {
		assertThat(BearerTokens.fromConnect(StompHeaderAccessor.create(StompCommand.CONNECT))).isEmpty();
		StompHeaderAccessor blank = StompHeaderAccessor.create(StompCommand.CONNECT);
		blank.setNativeHeader("Authorization", "Bearer ");
		assertThat(BearerTokens.fromConnect(blank)).isEmpty();
	}

	private static MockHttpServletRequest handshake(String query) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ws");
		request.setServerName("localhost");
		request.setServerPort(8080);
		request.setQueryString(query);
		return request;
	}

}
