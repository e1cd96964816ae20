package dev.stompbox.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.stompbox.instance.InstanceId;

@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	/**
	 * Every meter, Stompbox's and the JVM's alike, names the instance it comes from, so
	 * the series of instances behind one load balancer stay apart whatever the scraper
	 * knows.
	 */
	@Bean
	MeterFilter instanceTag(InstanceId instanceId) {
		return MeterFilter.commonTags(Tags.of(StompboxMetrics.INSTANCE_TAG, instanceId.value()));
	}

}
