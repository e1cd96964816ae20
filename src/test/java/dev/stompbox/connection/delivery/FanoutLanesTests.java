package dev.stompbox.connection.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class FanoutLanesTests {

	private final FanoutLanes lanes = new FanoutLanes("test-lane", 1, Duration.ofMillis(50));

	private final List<Integer> firstSteps = new CopyOnWriteArrayList<>();

	private final List<Integer> secondSteps = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.lanes.shutdown();
	}

	@Test
	void tasksOfALaneRunInTheOrderTheyWereHandedIn() {
		for (int i = 0; i < 1000; i++) {
			int n = i;
			this.lanes.execute(7, () -> {
				this.firstSteps.add(n);
				return () -> this.secondSteps.add(n);
			});
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.secondSteps.size() == 1000);
		assertThat(this.firstSteps).isSorted().hasSize(1000);
		assertThat(this.secondSteps).isSorted();
	}

	@Test
	void aBlockedSecondStepHoldsBackLaterTasksOnlyUntilTheLaneMovesOn() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch laterDone = new CountDownLatch(1);
		List<String> threads = new CopyOnWriteArrayList<>();
		this.lanes.execute(1, () -> {
			this.firstSteps.add(0);
			return () -> {
				threads.add(Thread.currentThread().getName());
				awaitRelease(release);
				this.secondSteps.add(0);
			};
		});
		this.lanes.execute(1, () -> {
			this.firstSteps.add(1);
			return () -> {
				threads.add(Thread.currentThread().getName());
				this.secondSteps.add(1);
				laterDone.countDown();
			};
		});
		assertThat(laterDone.await(5, TimeUnit.SECONDS)).as("later task done while the first is blocked").isTrue();
		assertThat(this.firstSteps).containsExactly(0, 1);
		assertThat(this.secondSteps).containsExactly(1);
		assertThat(threads).hasSize(2).doesNotHaveDuplicates();
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondSteps.size() == 2);
		// The thread left behind has ended; the lane goes on on its new one.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.noneMatch((t) -> t.getName().equals(threads.get(0))));
		CountDownLatch after = new CountDownLatch(1);
		this.lanes.execute(1, () -> after::countDown);
		assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void theFirstStepsOfEveryTaskWaitingForALaneRunBeforeTheirSecondSteps() throws Exception {
		List<String> steps = new CopyOnWriteArrayList<>();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch gate = new CountDownLatch(1);
		this.lanes.execute(5, () -> {
			started.countDown();
			awaitRelease(gate);
			steps.add("first 0");
			return () -> steps.add("second 0");
		});
		awaitRelease(started);
		for (int i = 1; i <= 3; i++) {
			int n = i;
			this.lanes.execute(5, () -> {
				steps.add("first " + n);
				return () -> steps.add("second " + n);
			});
		}
		gate.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> steps.size() == 8);
		// So each subscriber has the frames of tasks 1 to 3 queued when the first write
		// to it runs.
		assertThat(steps).containsExactly("first 0", "second 0", "first 1", "first 2", "first 3", "second 1",
				"second 2", "second 3");
	}

	@Test
	void aBlockedSecondStepDoesNotHoldBackTheSecondStepsOfTasksThatWaitedWithIt() throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch otherDone = new CountDownLatch(1);
		List<String> threads = new CopyOnWriteArrayList<>();
		CountDownLatch started = new CountDownLatch(1);
		this.lanes.execute(2, () -> {
			started.countDown();
			awaitRelease(gate);
			return () -> {
			};
		});
		awaitRelease(started);
		this.lanes.execute(2, () -> () -> {
			threads.add(Thread.currentThread().getName());
			awaitRelease(release);
		});
		this.lanes.execute(2, () -> () -> {
			threads.add(Thread.currentThread().getName());
			otherDone.countDown();
		});
		gate.countDown();
		assertThat(otherDone.await(5, TimeUnit.SECONDS)).as("second step done while the one before it is blocked")
			.isTrue();
		assertThat(threads).hasSize(2).doesNotHaveDuplicates();
		release.countDown();
	}

	@Test
	void aSlowFirstStepIsNeverOvertaken() {
		this.lanes.execute(3, () -> {
			sleep(300);
			this.firstSteps.add(0);
			return () -> this.secondSteps.add(0);
		});
		this.lanes.execute(3, () -> {
			this.firstSteps.add(1);
			return () -> this.secondSteps.add(1);
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondSteps.size() == 2);
		assertThat(this.firstSteps).containsExactly(0, 1);
		assertThat(this.secondSteps).containsExactly(0, 1);
	}

	@Test
	void aFailingTaskDoesNotStopTheLane() {
		this.lanes.execute(0, () -> {
			throw new IllegalStateException("boom");
		});
		this.lanes.execute(0, () -> () -> this.secondSteps.add(1));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondSteps.size() == 1);
	}

	@Test
	void anErrorThatEndsTheLanesThreadDoesNotEndTheLane() {
		this.lanes.execute(0, () -> {
			throw new ThreadEndingError();
		});
		this.lanes.execute(0, () -> () -> this.secondSteps.add(1));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondSteps.size() == 1);
	}

	@Test
	void anErrorInOneOfTheFirstStepsRunTogetherLosesNoneOfTheOthers() {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch gate = new CountDownLatch(1);
		this.lanes.execute(0, () -> {
			started.countDown();
			awaitRelease(gate);
			this.firstSteps.add(0);
			return () -> this.secondSteps.add(0);
		});
		awaitRelease(started);
		this.lanes.execute(0, () -> {
			this.firstSteps.add(1);
			return () -> this.secondSteps.add(1);
		});
		this.lanes.execute(0, () -> {
			throw new ThreadEndingError();
		});
		this.lanes.execute(0, () -> {
			this.firstSteps.add(3);
			return () -> this.secondSteps.add(3);
		});
		gate.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondSteps.size() == 3);
		assertThat(this.firstSteps).containsExactly(0, 1, 3);
		assertThat(this.secondSteps).containsExactly(0, 1, 3);
	}

	@Test
	void tasksAreRefusedOnceShutDown() {
		this.lanes.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.lanes.execute(0, () -> () -> {
		}));
	}

	/**
	 * An Error that ends the thread it is thrown on, without a stack trace to fill in.
	 */
	private static final class ThreadEndingError extends Error {

		ThreadEndingError() {
			super("an Error, not an exception", null, false, false);
		}

	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
