package dev.stompbox.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis that tests start and own (the {@link ClusterTest} classes of a JVM share
 * one): a container where a Docker engine exists, otherwise a {@code redis-server}
 * process on a free port (the system's binary when there is one, else the one shipped in
 * embedded-redis). Never the Redis on port 6379.
 */
public abstract sealed class RedisTestServer implements AutoCloseable {

	public static RedisTestServer start() {
		return start(null);
	}

	/** Starts a Redis that requires the password when it is not {@code null}. */
	public static RedisTestServer start(String password) {
		RedisTestServer server = dockerAvailable() ? new Container(password) : new LocalProcess(password);
		server.begin();
		return server;
	}

	protected final String password;

	RedisTestServer(String password) {
		this.password = password;
	}

	public abstract String host();

	public abstract int port();

	/** {@code redis://[:password@]host:port}, what {@code REDIS_URL} is set to. */
	public String url() {
		String auth = (this.password != null) ? ":" + this.password + "@" : "";
		return "redis://" + auth + host() + ":" + port();
	}

	abstract void begin();

	/** Makes Redis unreachable until {@link #recover()}. */
	public abstract void interrupt();

	/** Makes Redis reachable again on the same address, empty, as after a restart. */
	public abstract void recover();

	@Override
	public abstract void close();

	private static boolean dockerAvailable() {
		if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	static final class LocalProcess extends RedisTestServer {

		private final int port = freePort();

		private Process process;

		private Path log;

		LocalProcess(String password) {
			super(password);
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public int port() {
			return this.port;
		}

		@Override
		void begin() {
			try {
				List<String> command = new ArrayList<>(List.of(executable(), "--port", Integer.toString(this.port),
						"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
				if (this.password != null) {
					command.addAll(List.of("--requirepass", this.password));
				}
				this.log = Files.createTempFile("redis-test-" + this.port, ".log");
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(this.log.toFile())
					.start();
				awaitListening();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not start redis-server", ex);
			}
		}

		@Override
		public void interrupt() {
			stopProcess();
		}

		@Override
		public void recover() {
			begin();
		}

		@Override
		public void close() {
			stopProcess();
		}

		private void stopProcess() {
			if (this.process != null && this.process.isAlive()) {
				this.process.destroy();
				try {
					this.process.waitFor();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		private void awaitListening() {
			try {
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
					if (!this.process.isAlive()) {
						throw new IllegalStateException("redis-server exited: " + readLog());
					}
					try (Socket socket = new Socket("127.0.0.1", this.port)) {
						return true;
					}
					catch (IOException ex) {
						return false;
					}
				});
			}
			catch (ConditionTimeoutException ex) {
				throw new IllegalStateException("redis-server did not listen on " + this.port + ": " + readLog(), ex);
			}
		}

		private String readLog() {
			try {
				return Files.readString(this.log);
			}
			catch (IOException ex) {
				return "(no log)";
			}
		}

		private static String executable() throws IOException {
			for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
				if (new File(candidate).canExecute()) {
					return candidate;
				}
			}
			String path = System.getenv("PATH");
			if (path != null) {
				for (String dir : path.split(File.pathSeparator)) {
					File file = new File(dir, "redis-server");
					if (file.canExecute()) {
						return file.getAbsolutePath();
					}
				}
			}
			// embedded-redis ships binaries; its builder tells us where it extracted the
			// one for this OS.
			List<String> args = redis.embedded.RedisServer.newRedisServer().port(freePort()).buildCommandArgs();
			return args.get(0);
		}

	}

	static final class Container extends RedisTestServer {

		private final GenericContainer<?> container;

		@SuppressWarnings("resource")
		Container(String password) {
			super(password);
			List<String> command = new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", "no"));
			if (password != null) {
				command.addAll(List.of("--requirepass", password));
			}
			this.container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379)
				.withCommand(command.toArray(String[]::new));
		}

		@Override
		public String host() {
			return this.container.getHost();
		}

		@Override
		public int port() {
			return this.container.getMappedPort(6379);
		}

		@Override
		void begin() {
			this.container.start();
		}

		@Override
		public void interrupt() {
			this.container.getDockerClient().pauseContainerCmd(this.container.getContainerId()).exec();
		}

		@Override
		public void recover() {
			this.container.getDockerClient().unpauseContainerCmd(this.container.getContainerId()).exec();
			try {
				this.container.execInContainer("redis-cli", "FLUSHALL");
				this.container.execInContainer("redis-cli", "SCRIPT", "FLUSH");
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void close() {
			this.container.stop();
		}

	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
