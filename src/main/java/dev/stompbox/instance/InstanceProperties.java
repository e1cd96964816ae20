package dev.stompbox.instance;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param instanceId the name of this instance; when unset it is derived from Cloud Run's
 * {@code K_REVISION} or the host name
 */
@ConfigurationProperties("stompbox")
public record InstanceProperties(@Nullable String instanceId) {
}
