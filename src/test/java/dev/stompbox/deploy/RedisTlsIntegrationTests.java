package dev.stompbox.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.stompbox.StompboxApplication;
import dev.stompbox.redis.RedisConnections;
import dev.stompbox.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Memorystore with AUTH and in-transit encryption, as k8s/cloudrun/service.yaml and
 * docs/operations.md configure it, against a local {@code redis-server --tls-port} whose
 * certificate a CA made here signed: {@code REDIS_URL=rediss://:AUTH@host:port} with the
 * CA's PEM in {@code SPRING_SSL_BUNDLE_PEM_REDIS_TRUSTSTORE_CERTIFICATE} and
 * {@code SPRING_DATA_REDIS_SSL_BUNDLE=redis}, given as environment variables. Needs
 * {@code redis-server} built with TLS (Debian's is) and {@code openssl}; skipped without
 * them.
 */
class RedisTlsIntegrationTests {

	private static final String AUTH = "memorystore-auth-string";

	@TempDir
	Path directory;

	private Process redis;

	private int port;

	private String caPem;

	@BeforeEach
	void startRedisWithTls() throws Exception {
		// Never skipped: .ci/run installs both, and a TLS test that quietly did not run
		// proves nothing.
		assertThat(onPath("redis-server") && onPath("openssl")).as("redis-server and openssl on the PATH").isTrue();
		run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days",
				"1", "-subj", "/CN=Stompbox test CA");
		run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
				"/CN=localhost");
		Files.writeString(this.directory.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
		run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
				"-out", "server.pem", "-days", "1", "-extfile", "san.ext");
		this.caPem = Files.readString(this.directory.resolve("ca.pem"));
		this.port = freePort();
		this.redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(this.port),
				"--bind", "127.0.0.1", "--tls-cert-file", "server.pem", "--tls-key-file", "server.key",
				"--tls-ca-cert-file", "ca.pem", "--tls-auth-clients", "no", "--requirepass", AUTH, "--save", "",
				"--appendonly", "no")
			.directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("redis.log").toFile())
			.start();
		awaitListening();
	}

	@AfterEach
	void stopRedis() throws InterruptedException {
		if (this.redis != null) {
			this.redis.destroy();
			this.redis.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void applicationConnectsWithTheCaFromTheSslBundle() throws Exception {
		Map<String, Object> env = new LinkedHashMap<>();
		env.put("REDIS_URL", "rediss://:" + AUTH + "@localhost:" + this.port);
		env.put("SPRING_DATA_REDIS_SSL_BUNDLE", "redis");
		env.put("SPRING_SSL_BUNDLE_PEM_REDIS_TRUSTSTORE_CERTIFICATE", this.caPem);
		try (ConfigurableApplicationContext context = start(env)) {
			RedisConnections redis = context.getBean(RedisConnections.class);
			assertThat(redis.commands().ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
		}
	}

	/**
	 * The control: without the bundle the JVM's default trust store refuses the private
	 * CA.
	 */
	@Test
	void withoutTheBundleTheServerCertificateIsRefused() {
		Map<String, Object> env = Map.of("REDIS_URL", "rediss://:" + AUTH + "@localhost:" + this.port);
		assertThatThrownBy(() -> start(env).close()).hasStackTraceContaining("SSLHandshakeException");
	}

	private ConfigurableApplicationContext start(Map<String, Object> env) {
		StandardEnvironment environment = new StandardEnvironment();
		String source = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
		environment.getPropertySources().replace(source, new SystemEnvironmentPropertySource(source, env));
		return new SpringApplicationBuilder(StompboxApplication.class).environment(environment)
			.run("--server.port=0", "--" + TestTokens.SECRET_PROPERTY, "--stompbox.instance-id=redis-tls");
	}

	private void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("openssl.log").toFile())
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("%s (%s)", List.of(command), this.directory.resolve("openssl.log")).isZero();
	}

	private void awaitListening() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", this.port)) {
				return;
			}
			catch (IOException ex) {
				assertThat(this.redis.isAlive()).as("redis-server is running (see redis.log)").isTrue();
				Thread.sleep(50);
			}
		}
		throw new AssertionError("redis-server --tls-port " + this.port + " did not start");
	}

	private static boolean onPath(String executable) {
		String path = System.getenv("PATH");
		return path != null && List.of(path.split(":"))
			.stream()
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, executable)));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
