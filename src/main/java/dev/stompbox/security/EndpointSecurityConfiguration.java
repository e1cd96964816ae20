package dev.stompbox.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import dev.stompbox.session.StompEndpoints;

/**
 * The STOMP endpoints get security chains of their own, ahead of the server API's, that
 * read no token: a handshake's token is checked by {@link TokenHandshakeInterceptor},
 * after the origin (PROTOCOL.md section 2: 403 before 401). The resource server's bearer
 * filter, which would otherwise answer a bad {@code Authorization} header with 401 first,
 * also cost every handshake a second verification of its token.
 */
@Configuration(proxyBeanMethods = false)
class EndpointSecurityConfiguration {

	/**
	 * The WebSocket endpoint's chain has no filter at all: its answer is a 101 with no
	 * body, or a refusal with none, so there is nothing for headers, a security context
	 * or an authorization to protect, while in a reconnect storm the chain's eight
	 * filters cost an instance more CPU than the rest of its filters and dispatch
	 * together. A handshake to exactly {@code /ws} does not even come here (the
	 * connection package's handshake filter takes it first); this chain serves the rest,
	 * such as a path with encoded characters.
	 */
	@Bean
	@Order(0)
	SecurityFilterChain webSocketEndpointSecurityFilterChain(HttpSecurity http) throws Exception {
		http.securityMatcher(StompEndpoints.WEBSOCKET)
			.csrf((csrf) -> csrf.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((sessions) -> sessions.disable())
			.headers((headers) -> headers.disable())
			.anonymous((anonymous) -> anonymous.disable())
			.securityContext((context) -> context.disable())
			.servletApi((servletApi) -> servletApi.disable())
			.exceptionHandling((exceptions) -> exceptions.disable());
		return http.build();
	}

	/**
	 * The SockJS endpoint's chain: its HTTP transports answer with bodies, which get the
	 * usual headers. A handshake of its websocket transport with plain ids does not come
	 * here either (the handshake filter takes it, after the session owner check).
	 */
	@Bean
	@Order(1)
	SecurityFilterChain sockJsEndpointSecurityFilterChain(HttpSecurity http) throws Exception {
		http.securityMatcher(StompEndpoints.SOCKJS + "/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((sessions) -> sessions.disable());
		return http.build();
	}

}
