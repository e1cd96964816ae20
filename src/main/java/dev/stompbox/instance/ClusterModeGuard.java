package dev.stompbox.instance;

import org.springframework.context.annotation.Configuration;

/**
 * Stops start-up when Redis is configured but this build has no cluster implementations,
 * rather than running instances that silently do not share state.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnCluster
class ClusterModeGuard {

	ClusterModeGuard() {
		throw new IllegalStateException(
				"REDIS_URL is set, but cluster mode is not available in this build yet; unset REDIS_URL to run a single node");
	}

}
