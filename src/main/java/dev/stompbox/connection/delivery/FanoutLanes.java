package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A few serial lanes: the tasks handed to one lane run one at a time, in the order they
 * were handed in. Each task has two steps. The first, {@link LaneTask#run()}, always runs
 * in lane order. The second, what it returns, may block (a write to a client that stopped
 * reading); once it has run longer than {@code stuckAfter} it keeps its thread to itself
 * and the lane goes on with its next steps on a new thread. So a stalled client holds a
 * lane's other rooms back by at most {@code stuckAfter}, and the thread left behind ends
 * once its step returns.
 * <p>
 * A lane runs the first steps of all the tasks waiting for it before their second steps.
 * Under load, when messages wait for a lane, each subscriber then has several frames
 * queued by the time the first write to it runs, and they go out in one write to its
 * connection ({@link SendBuffer}); when nothing waits, a task runs as soon as it is
 * handed in.
 */
final class FanoutLanes {

	private static final Log logger = LogFactory.getLog(FanoutLanes.class);

	private final List<Lane> lanes;

	private final ScheduledExecutorService watchdog;

	FanoutLanes(String name, int count, Duration stuckAfter) {
		this.lanes = IntStream.range(0, count).mapToObj((lane) -> new Lane(name + "-" + lane)).toList();
		this.lanes.forEach(Lane::start);
		this.watchdog = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name + "-watchdog").factory());
		long stuckNanos = stuckAfter.toNanos();
		long period = Math.max(1, stuckNanos / 4);
		this.watchdog.scheduleAtFixedRate(() -> this.lanes.forEach((lane) -> lane.moveOnIfStuck(stuckNanos)), period,
				period, TimeUnit.NANOSECONDS);
	}

	/**
	 * Runs the task on the lane chosen by {@code key}, after the tasks handed to that
	 * lane before.
	 * @throws RejectedExecutionException once the lanes are shut down
	 */
	void execute(int key, LaneTask task) {
		this.lanes.get(Math.floorMod(key, this.lanes.size())).execute(task);
	}

	void shutdown() {
		this.watchdog.shutdownNow();
		this.lanes.forEach(Lane::stop);
	}

	/** A task of a lane, in two steps. */
	@FunctionalInterface
	interface LaneTask {

		/**
		 * The step that runs in lane order: it must not block.
		 * @return the step that may block, and that later tasks may overtake once it
		 * takes too long
		 */
		Runnable run();

	}

	private static final class Lane {

		private final String name;

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition notEmpty = this.lock.newCondition();

		private final ArrayDeque<LaneTask> tasks = new ArrayDeque<>();

		/** Second steps of tasks whose first steps have run, in lane order. */
		private final ArrayDeque<Runnable> writes = new ArrayDeque<>();

		/**
		 * The thread that takes the lane's next task; guarded by {@link #lock}, as are
		 * the fields below.
		 */
		private Thread worker;

		/** When the current task's second step started; 0 when there is none. */
		private long blockingSince;

		private int threadsStarted;

		private boolean stopped;

		Lane(String name) {
			this.name = name;
		}

		void start() {
			this.lock.lock();
			try {
				newWorker();
			}
			finally {
				this.lock.unlock();
			}
		}

		void execute(LaneTask task) {
			this.lock.lock();
			try {
				if (this.stopped) {
					throw new RejectedExecutionException(this.name + " is stopped");
				}
				this.tasks.add(task);
				this.notEmpty.signal();
			}
			finally {
				this.lock.unlock();
			}
		}

		void moveOnIfStuck(long stuckNanos) {
			this.lock.lock();
			try {
				if (!this.stopped && this.blockingSince != 0 && System.nanoTime() - this.blockingSince > stuckNanos) {
					if (logger.isDebugEnabled()) {
						logger.debug(this.worker.getName() + " is blocked writing; " + this.name
								+ " goes on on a new thread");
					}
					this.blockingSince = 0;
					newWorker();
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		void stop() {
			this.lock.lock();
			try {
				this.stopped = true;
				this.tasks.clear();
				this.writes.clear();
				this.notEmpty.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}

		/** Called with {@link #lock} held. */
		private void newWorker() {
			String threadName = (this.threadsStarted == 0) ? this.name : this.name + "." + this.threadsStarted;
			this.threadsStarted++;
			this.worker = Thread.ofPlatform()
				.name(threadName)
				.daemon()
				.uncaughtExceptionHandler((thread, ex) -> logger.error(thread.getName() + " ended", ex))
				.unstarted(this::work);
			this.worker.start();
		}

		private void work() {
			Thread self = Thread.currentThread();
			boolean ended = false;
			try {
				Runnable step;
				while ((step = next(self)) != null) {
					try {
						step.run();
					}
					catch (RuntimeException ex) {
						logger.warn("A task of " + this.name + " failed", ex);
					}
				}
				ended = true;
			}
			finally {
				if (!ended) {
					// An Error ends this thread; the lane must not end with it.
					moveOn(self);
				}
			}
		}

		/**
		 * Runs first steps in lane order; their second steps are run next, before any new
		 * task.
		 */
		private void runFirstSteps(List<LaneTask> firstSteps) {
			List<Runnable> secondSteps = new ArrayList<>(firstSteps.size());
			int next = 0;
			try {
				while (next < firstSteps.size()) {
					LaneTask task = firstSteps.get(next++);
					try {
						secondSteps.add(task.run());
					}
					catch (RuntimeException ex) {
						logger.warn("A task of " + this.name + " failed", ex);
					}
				}
			}
			finally {
				this.lock.lock();
				try {
					this.writes.addAll(secondSteps);
					// An Error ends this thread: the lane's next one takes the first
					// steps not run.
					for (int i = firstSteps.size() - 1; i >= next; i--) {
						this.tasks.addFirst(firstSteps.get(i));
					}
				}
				finally {
					this.lock.unlock();
				}
			}
		}

		private void moveOn(Thread self) {
			this.lock.lock();
			try {
				if (this.worker == self && !this.stopped) {
					this.blockingSince = 0;
					newWorker();
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * What this thread runs next: a waiting second step, else the first steps of
		 * every waiting task; null when the lane has stopped or moved on without this
		 * thread.
		 */
		private @Nullable Runnable next(Thread self) {
			this.lock.lock();
			try {
				if (this.worker != self) {
					return null;
				}
				this.blockingSince = 0;
				while (this.writes.isEmpty() && this.tasks.isEmpty() && !this.stopped && this.worker == self) {
					this.notEmpty.awaitUninterruptibly();
				}
				if (this.stopped || this.worker != self) {
					return null;
				}
				Runnable write = this.writes.poll();
				if (write != null) {
					// May block: the watchdog moves the lane on once it takes too long.
					this.blockingSince = System.nanoTime();
					return write;
				}
				List<LaneTask> firstSteps = new ArrayList<>(this.tasks);
				this.tasks.clear();
				return () -> runFirstSteps(firstSteps);
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
