package dev.stompbox.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.stompbox.error.ErrorCode;

/**
 * HTTP security: the server API needs a token with scope {@code stompbox:publish};
 * {@code /actuator/prometheus} on the main port one with {@code stompbox:metrics} (or
 * {@code stompbox:publish}); the WebSocket endpoints authenticate in their handshake and
 * CONNECT; everything else is open. The health endpoints stay open for probes, and show
 * their components to the same tokens only
 * ({@link ActuatorAccessEnvironmentPostProcessor}). A separate management port
 * ({@code management.server.port}) is not exposed, so everything on it is open.
 * Stateless, so there is no session cookie and no CSRF token to forge.
 */
@Configuration(proxyBeanMethods = false)
class HttpSecurityConfiguration {

	static final String PUBLISH_AUTHORITY = "SCOPE_" + ClientIdentity.PUBLISH_SCOPE;

	static final String METRICS_AUTHORITY = "SCOPE_" + ClientIdentity.METRICS_SCOPE;

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		RequestMatcher metrics = EndpointRequest.to("prometheus");
		AuthenticationEntryPoint unauthorized = (request, response, ex) -> write(response, ErrorCode.UNAUTHORIZED,
				"A valid bearer token is required");
		AccessDeniedHandler forbidden = (request, response, ex) -> write(response, ErrorCode.FORBIDDEN,
				"The token lacks scope " + requiredScope(request, metrics));
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.authorizeHttpRequests((requests) -> requests.requestMatchers(new ManagementServerRequest())
				.permitAll()
				.requestMatchers("/api/**")
				.hasAuthority(PUBLISH_AUTHORITY)
				.requestMatchers(metrics)
				.hasAnyAuthority(METRICS_AUTHORITY, PUBLISH_AUTHORITY)
				.anyRequest()
				.permitAll())
			.oauth2ResourceServer(
					(server) -> server.jwt((jwt) -> jwt.jwtAuthenticationConverter(HttpSecurityConfiguration::toClient))
						.authenticationEntryPoint(unauthorized)
						.accessDeniedHandler(forbidden))
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden));
		return http.build();
	}

	private static String requiredScope(HttpServletRequest request, RequestMatcher metrics) {
		return metrics.matches(request) ? ClientIdentity.METRICS_SCOPE : ClientIdentity.PUBLISH_SCOPE;
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
