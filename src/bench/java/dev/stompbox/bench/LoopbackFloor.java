package dev.stompbox.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the kernel charges for one small write on loopback TCP, on this machine today: the
 * floor under {@code srv_us_per_dlv} for a server that writes each delivery on its own. One
 * thread writes frames of {@code --bytes} to {@code --connections} sockets in bursts of
 * {@code --burst} (a room's subscribers on one instance) at {@code --rate} writes a second;
 * one selector thread reads them at the other ends, as the generator does. No STOMP, no
 * server: only the sockets.
 * <p>
 * The writer's CPU time is read for its own thread ({@code CLOCK_THREAD_CPUTIME_ID}); the same
 * schedule is first run without writes, and what pacing alone cost is taken off. What is left
 * is nearly all the kernel's: on the Java side a write is one call. (The split into user and
 * system time is not used: the kernel samples it at each tick, too coarse for this.)
 */
final class LoopbackFloor {

	private final int connections;

	private final int rate;

	private final int bytes;

	private final int burst;

	private final long durationNanos;

	private final PrintStream log;

	LoopbackFloor(Options options, PrintStream log) {
		this.connections = options.integer("connections", 500);
		this.rate = options.integer("rate", 12_500);
		this.bytes = options.integer("bytes", 300);
		this.burst = options.integer("burst", 50);
		this.durationNanos = TimeUnit.SECONDS.toNanos(options.number("duration", 10));
		this.log = log;
		if (this.connections < 1 || this.rate < 1 || this.bytes < 1 || this.burst < 1 || this.durationNanos < 1) {
			throw new IllegalArgumentException("--connections, --rate, --bytes, --burst and --duration must be positive");
		}
	}

	Report run() throws IOException, InterruptedException {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		List<SocketChannel> writeEnds = new ArrayList<>(this.connections);
		List<SocketChannel> readEnds = new ArrayList<>(this.connections);
		AtomicLong received = new AtomicLong();
		try (ServerSocketChannel server = ServerSocketChannel.open(); Selector selector = Selector.open()) {
			server.bind(new InetSocketAddress("127.0.0.1", 0), this.connections);
			for (int i = 0; i < this.connections; i++) {
				SocketChannel readEnd = SocketChannel.open(server.getLocalAddress());
				readEnd.configureBlocking(false);
				readEnd.register(selector, SelectionKey.OP_READ);
				readEnds.add(readEnd);
				SocketChannel writeEnd = server.accept();
				// As Jetty's: a frame goes out when written, not when Nagle's algorithm lets it.
				writeEnd.setOption(StandardSocketOptions.TCP_NODELAY, true);
				writeEnds.add(writeEnd);
			}
			Thread reader = Thread.ofPlatform().name("loopback-reader").daemon().start(() -> read(selector, received));
			long period = TimeUnit.SECONDS.toNanos(1) * this.burst / this.rate;
			long bursts = Math.max(1, this.durationNanos / period);
			this.log.printf("loopback: %d connections, %d writes/s of %d bytes in bursts of %d, %d s%n",
					this.connections, this.rate, this.bytes, this.burst, TimeUnit.NANOSECONDS.toSeconds(this.durationNanos));
			Cost pacing = pass(threads, period, bursts, null);
			long readerBefore = threads.getThreadCpuTime(reader.threadId());
			byte[] frame = new byte[this.bytes];
			Arrays.fill(frame, (byte) 'x');
			Cost writing = pass(threads, period, bursts, (n) -> write(writeEnds.get((int) (n % this.connections)), frame));
			long writes = bursts * this.burst;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (received.get() < writes * this.bytes && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			long readerCpu = threads.getThreadCpuTime(reader.threadId()) - readerBefore;
			reader.interrupt();
			selector.wakeup();
			Report report = new Report("loopback").setting("connections", this.connections)
				.setting("rate", this.rate)
				.setting("bytes", this.bytes)
				.setting("burst", this.burst);
			var step = report.step();
			step.put("writes_per_s", writes / (writing.wallNanos() / 1e9));
			step.put("writer_us_per_write", (writing.cpuNanos() - pacing.cpuNanos()) / 1e3 / writes);
			step.put("reader_us_per_write", readerCpu / 1e3 / writes);
			report.total("writes", writes).total("bytes_written", writes * this.bytes).total("bytes_read", received.get());
			return report;
		}
		finally {
			for (SocketChannel channel : writeEnds) {
				channel.close();
			}
			for (SocketChannel channel : readEnds) {
				channel.close();
			}
		}
	}

	/** This thread's CPU over one pass of the schedule; {@code write} null: pacing alone. */
	private Cost pass(ThreadMXBean threads, long period, long bursts, WriteCall write) throws IOException {
		long start = System.nanoTime();
		long cpu = threads.getCurrentThreadCpuTime();
		long n = 0;
		for (long b = 0; b < bursts; b++) {
			long due = start + b * period;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				if (wait > 200_000) {
					LockSupport.parkNanos(wait - 100_000);
				}
			}
			if (write != null) {
				for (int i = 0; i < this.burst; i++) {
					write.write(n++);
				}
			}
		}
		long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
		return new Cost(System.nanoTime() - start, cpuNanos);
	}

	private static void write(SocketChannel channel, byte[] frame) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(frame);
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	private static void read(Selector selector, AtomicLong received) {
		ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
		try {
			while (!Thread.currentThread().isInterrupted()) {
				selector.select();
				for (SelectionKey key : selector.selectedKeys()) {
					buffer.clear();
					int read = ((SocketChannel) key.channel()).read(buffer);
					if (read > 0) {
						received.addAndGet(read);
					}
				}
				selector.selectedKeys().clear();
			}
		}
		catch (IOException | RuntimeException ex) {
			// closed at the end of the run
		}
	}

	@FunctionalInterface
	private interface WriteCall {

		void write(long n) throws IOException;

	}

	private record Cost(long wallNanos, long cpuNanos) {
	}

}
