package dev.stompbox.deploy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The part of a Compose file (compose-spec) the deploy tests read. Compose allows two
 * spellings of {@code environment} and of {@code depends_on}, a map and a list; both are
 * accepted.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Compose(Map<String, ComposeService> services) {

	@JsonIgnoreProperties(ignoreUnknown = true)
	record ComposeService(String image, Build build, @JsonProperty("environment") Object rawEnvironment,
			@JsonProperty("depends_on") Object rawDependsOn, List<String> ports, List<String> volumes,
			@JsonProperty("stop_grace_period") String stopGracePeriod) {

		/** {@code NAME: value} or {@code - NAME=value}. */
		Map<String, String> environment() {
			Map<String, String> environment = new LinkedHashMap<>();
			if (this.rawEnvironment instanceof Map<?, ?> map) {
				map.forEach(
						(name, value) -> environment.put(name.toString(), (value != null) ? value.toString() : null));
			}
			else if (this.rawEnvironment instanceof List<?> list) {
				for (Object entry : list) {
					String[] nameAndValue = entry.toString().split("=", 2);
					environment.put(nameAndValue[0], (nameAndValue.length > 1) ? nameAndValue[1] : null);
				}
			}
			return environment;
		}

		/** {@code [redis]} or {@code {redis: {condition: ...}}}. */
		Set<String> dependsOn() {
			Set<String> names = new LinkedHashSet<>();
			if (this.rawDependsOn instanceof Map<?, ?> map) {
				map.keySet().forEach((name) -> names.add(name.toString()));
			}
			else if (this.rawDependsOn instanceof List<?> list) {
				list.forEach((name) -> names.add(name.toString()));
			}
			return names;
		}

	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Build(String context, String dockerfile) {

	}

}
