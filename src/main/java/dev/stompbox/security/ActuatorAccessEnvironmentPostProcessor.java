package dev.stompbox.security;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Who sees the components and details of {@code /actuator/health}. On the main port,
 * which faces the internet, probes and anyone else get the status alone, and a token with
 * scope {@code stompbox:metrics} or {@code stompbox:publish} gets the rest. With actuator
 * on a port of its own ({@code management.server.port}, which an operator does not
 * expose) everyone gets everything. One setting cannot say both, and it is read before
 * the web servers exist, hence a default chosen from the ports here. Added last, so
 * whatever an operator sets wins.
 */
class ActuatorAccessEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "stompboxActuatorAccess";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String show = (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) ? "always"
				: "when-authorized";
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of("management.endpoint.health.show-details", show,
					"management.endpoint.health.show-components", show, "management.endpoint.health.roles",
					HttpSecurityConfiguration.METRICS_AUTHORITY + "," + HttpSecurityConfiguration.PUBLISH_AUTHORITY)));
	}

}
