package dev.stompbox.user;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.instance.ConditionalOnSingleNode;

@Configuration(proxyBeanMethods = false)
@ConditionalOnSingleNode
class SingleNodeUserEventsConfiguration {

	@Bean
	LocalUserEvents localUserEvents(@Lazy SimpUserRegistry userRegistry, SessionReplies replies,
			JsonMapper jsonMapper) {
		return new LocalUserEvents(userRegistry, replies, jsonMapper);
	}

}
