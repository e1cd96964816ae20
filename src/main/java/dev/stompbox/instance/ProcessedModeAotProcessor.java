package dev.stompbox.instance;

import javax.lang.model.element.Modifier;

import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Writes what the application is processed for into the code Spring AOT generates: a call
 * of {@link ProcessedMode#verify} with the mode and management port type of the build's
 * environment, which runs before the processed context is refreshed.
 */
class ProcessedModeAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		ProcessedMode processed = ProcessedMode
			.of(beanFactory.getBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME, Environment.class));
		return (generationContext,
				code) -> code.addInitializer(code.getMethods()
					.add("verifyProcessedMode", (method) -> method
						.addJavadoc("Refuse a start whose configuration needs other beans than those processed.")
						.addModifiers(Modifier.PRIVATE, Modifier.STATIC)
						.addParameter(Environment.class, "environment")
						.addStatement("$T.verify(environment, $T.$L, $T.$L)", ProcessedMode.class, Mode.class,
								processed.mode().name(), ManagementPortType.class, processed.managementPort().name()))
					.toMethodReference());
	}

}
