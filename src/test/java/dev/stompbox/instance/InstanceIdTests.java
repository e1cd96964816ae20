package dev.stompbox.instance;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This instance's name: STOMPBOX_INSTANCE_ID, else K_REVISION or the host name plus a
 * suffix.
 */
class InstanceIdTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(InstanceConfiguration.class, Properties.class);

	@Test
	void configuredIdIsUsedAsIs() {
		this.runner.withPropertyValues("stompbox.instance-id=eu-west-1a")
			.run((context) -> assertThat(context.getBean(InstanceId.class).value()).isEqualTo("eu-west-1a"));
	}

	@Test
	void cloudRunRevisionGetsARandomSuffix() {
		this.runner.withPropertyValues("K_REVISION=stompbox-00042-abc")
			.run((first) -> this.runner.withPropertyValues("K_REVISION=stompbox-00042-abc").run((second) -> {
				String one = first.getBean(InstanceId.class).value();
				String two = second.getBean(InstanceId.class).value();
				assertThat(one).startsWith("stompbox-00042-abc-").hasSizeGreaterThan("stompbox-00042-abc-".length());
				assertThat(two).startsWith("stompbox-00042-abc-");
				// Two instances of one revision must not share a name.
				assertThat(one).isNotEqualTo(two);
			}));
	}

	@Test
	void withoutEitherTheIdIsNotBlankAndUnique() {
		this.runner.run((first) -> this.runner.run((second) -> {
			assertThat(first.getBean(InstanceId.class).value()).isNotBlank();
			assertThat(first.getBean(InstanceId.class)).isNotEqualTo(second.getBean(InstanceId.class));
		}));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(InstanceProperties.class)
	static class Properties {

	}

}
