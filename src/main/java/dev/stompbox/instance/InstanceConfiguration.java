package dev.stompbox.instance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.StringUtils;

@Configuration(proxyBeanMethods = false)
class InstanceConfiguration {

	@Bean
	InstanceId instanceId(InstanceProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.instanceId())) {
			return new InstanceId(properties.instanceId());
		}
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String revision = environment.getProperty("K_REVISION");
		if (StringUtils.hasText(revision)) {
			return new InstanceId(revision + "-" + suffix);
		}
		return new InstanceId(hostName() + "-" + suffix);
	}

	/** Timers of the server itself: heartbeats, token expiry, sweeps of expired state. */
	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskScheduler stompboxScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(2);
		scheduler.setThreadNamePrefix("stompbox-timer-");
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.initialize();
		return scheduler;
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "stompbox";
		}
	}

}
