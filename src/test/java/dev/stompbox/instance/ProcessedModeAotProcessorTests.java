package dev.stompbox.instance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.lang.model.element.Modifier;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedClass;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.GeneratedMethods;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.generate.MethodReference;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT writes the build's mode and management port into the generated initializer,
 * as a call that checks them at every start.
 */
class ProcessedModeAotProcessorTests {

	@Test
	void isRegisteredForSpringAot() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(BeanFactoryInitializationAotProcessor.class))
			.hasAtLeastOneElementOfType(ProcessedModeAotProcessor.class);
	}

	@Test
	void clusterBuildOnTheApplicationsPort() throws IOException {
		assertThat(generatedInitializer(new MockEnvironment().withProperty("REDIS_URL", "redis://build.invalid")))
			.contains("ProcessedMode.verify(environment, Mode.CLUSTER, ManagementPortType.SAME);");
	}

	@Test
	void clusterBuildWithAManagementPortOfItsOwn() throws IOException {
		assertThat(generatedInitializer(new MockEnvironment().withProperty("REDIS_URL", "redis://build.invalid")
			.withProperty("management.server.port", "8081")))
			.contains("ProcessedMode.verify(environment, Mode.CLUSTER, ManagementPortType.DIFFERENT);");
	}

	@Test
	void singleNodeBuild() throws IOException {
		assertThat(generatedInitializer(new MockEnvironment()))
			.contains("ProcessedMode.verify(environment, Mode.SINGLE_NODE, ManagementPortType.SAME);");
	}

	/** The source of the generated method, as Spring AOT would call it at start. */
	private static String generatedInitializer(Environment environment) throws IOException {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("environment", environment);
		InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("dev.stompbox", "Application")), files);
		GeneratedClass initializer = generationContext.getGeneratedClasses()
			.addForFeature("Initializer", (type) -> type.addModifiers(Modifier.PUBLIC));
		List<MethodReference> initializers = new ArrayList<>();
		new ProcessedModeAotProcessor().processAheadOfTime(beanFactory)
			.applyTo(generationContext, new BeanFactoryInitializationCode() {

				@Override
				public GeneratedMethods getMethods() {
					return initializer.getMethods();
				}

				@Override
				public ClassName getClassName() {
					return initializer.getName();
				}

				@Override
				public void addInitializer(MethodReference methodReference) {
					initializers.add(methodReference);
				}

			});
		generationContext.writeGeneratedContent();
		assertThat(initializers).hasSize(1);
		assertThat(files.getGeneratedFiles(Kind.SOURCE)).hasSize(1);
		try (InputStream source = files.getGeneratedFiles(Kind.SOURCE).values().iterator().next().getInputStream()) {
			return new String(source.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
