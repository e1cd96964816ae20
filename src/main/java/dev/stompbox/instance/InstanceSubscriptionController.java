package dev.stompbox.instance;

import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.stereotype.Controller;

/**
 * {@code SUBSCRIBE /app/instance} answers with one message, {@code {"instanceId":
 * "..."}}, naming the instance that holds this connection, and ends: behind a load
 * balancer only the connection itself can tell which instance it reached (the demo page
 * shows it).
 */
@Controller
class InstanceSubscriptionController {

	private final InstanceId instanceId;

	InstanceSubscriptionController(InstanceId instanceId) {
		this.instanceId = instanceId;
	}

	@SubscribeMapping("/instance")
	Answer instance() {
		return new Answer(this.instanceId.value());
	}

	record Answer(String instanceId) {
	}

}
