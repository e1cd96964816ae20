package dev.stompbox.instance;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** One line at start-up that says where to point a browser and in which mode we run. */
@Component
class StartupBanner {

	private static final Log logger = LogFactory.getLog(StartupBanner.class);

	private final InstanceId instanceId;

	StartupBanner(InstanceId instanceId) {
		this.instanceId = instanceId;
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		Environment environment = event.getApplicationContext().getEnvironment();
		int port = (event.getApplicationContext() instanceof WebServerApplicationContext web)
				? web.getWebServer().getPort() : environment.getProperty("local.server.port", Integer.class, 8080);
		logger.info("Stompbox " + this.instanceId + " ready at http://localhost:" + port + "/ ("
				+ Mode.of(environment).name().toLowerCase().replace('_', ' ') + ")");
	}

}
