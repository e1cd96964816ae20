package dev.stompbox.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;

import dev.stompbox.error.ErrorCode;

/**
 * HTTP security: the server API needs a token with scope {@code stompbox:publish}; the
 * WebSocket endpoints authenticate in their handshake and CONNECT; everything else is open.
 * Stateless, so there is no session cookie and no CSRF token to forge.
 */
@Configuration(proxyBeanMethods = false)
class HttpSecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/**")
				.hasAuthority("SCOPE_" + ClientIdentity.PUBLISH_SCOPE)
				.anyRequest()
				.permitAll())
			.oauth2ResourceServer((server) -> server
				.jwt((jwt) -> jwt.jwtAuthenticationConverter(HttpSecurityConfiguration::toClient))
				.authenticationEntryPoint((request, response, ex) -> write(response, ErrorCode.UNAUTHORIZED,
						"A valid bearer token is required"))
				.accessDeniedHandler((request, response, ex) -> write(response, ErrorCode.FORBIDDEN,
						"The token lacks scope " + ClientIdentity.PUBLISH_SCOPE)))
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((request, response, ex) -> write(response, ErrorCode.UNAUTHORIZED,
						"A valid bearer token is required"))
				.accessDeniedHandler((request, response, ex) -> write(response, ErrorCode.FORBIDDEN,
						"The token lacks scope " + ClientIdentity.PUBLISH_SCOPE)));
		return http.build();
	}

	private static AbstractAuthenticationToken toClient(Jwt jwt) {
		return new ClientAuthentication(TokenVerifier.identity(jwt));
	}

	static void write(HttpServletResponse response, ErrorCode code, String message) throws IOException {
		response.setStatus(code.httpStatus());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write("{\"error\":\"" + code.code() + "\",\"message\":\"" + message + "\"}");
	}

}
