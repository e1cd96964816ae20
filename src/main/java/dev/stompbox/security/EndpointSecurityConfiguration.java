package dev.stompbox.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import dev.stompbox.session.StompEndpoints;

/**
 * The STOMP endpoints get a security chain of their own, ahead of the server API's, that
 * reads no token: a handshake's token is checked by {@link TokenHandshakeInterceptor},
 * after the origin (PROTOCOL.md section 2: 403 before 401). The resource server's bearer
 * filter, which would otherwise answer a bad {@code Authorization} header with 401 first,
 * also cost every handshake a second verification of its token.
 */
@Configuration(proxyBeanMethods = false)
class EndpointSecurityConfiguration {

	@Bean
	@Order(0)
	SecurityFilterChain stompEndpointsSecurityFilterChain(HttpSecurity http) throws Exception {
		http.securityMatcher(StompEndpoints.WEBSOCKET, StompEndpoints.SOCKJS + "/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.logout((logout) -> logout.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((sessions) -> sessions.disable());
		return http.build();
	}

}
