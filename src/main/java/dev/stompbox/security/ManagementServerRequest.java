package dev.stompbox.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Requests served by the separate management server that {@code management.server.port}
 * starts. Spring Boot applies the main context's security filter chain to that server
 * too, so the chain tells the two apart by the context serving the request rather than by
 * its path, which is the same on both.
 */
final class ManagementServerRequest implements RequestMatcher {

	@Override
	public boolean matches(HttpServletRequest request) {
		return WebServerApplicationContext.hasServerNamespace(
				WebApplicationContextUtils.getWebApplicationContext(request.getServletContext()),
				WebServerNamespace.MANAGEMENT.getValue());
	}

	@Override
	public String toString() {
		return "ManagementServerRequest";
	}

}
