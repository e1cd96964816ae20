package dev.stompbox.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;

import static org.assertj.core.api.Assertions.assertThat;

class JoinQueueTests {

	@Test
	void runsAtMostTheLimitAndStartsTheWaitingInArrivalOrder() {
		JoinQueue queue = new JoinQueue(2, 10);
		List<CompletableFuture<String>> started = new ArrayList<>();
		List<CompletionStage<String>> results = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			results.add(queue.submit(() -> {
				CompletableFuture<String> join = new CompletableFuture<>();
				started.add(join);
				return join;
			}));
		}
		assertThat(started).hasSize(2);
		started.get(1).complete("second");
		assertThat(started).hasSize(3);
		started.get(0).completeExceptionally(ErrorCode.FORBIDDEN.exception("no"));
		assertThat(started).hasSize(4);
		started.get(2).complete("third");
		started.get(3).complete("fourth");
		started.get(4).complete("fifth");
		assertThat(results.get(0).toCompletableFuture()).isCompletedExceptionally();
		assertThat(results.subList(1, 5)).extracting((result) -> result.toCompletableFuture().join())
			.containsExactly("second", "third", "fourth", "fifth");
	}

	@Test
	void refusesAJoinUnavailableOnlyWhenTheQueueIsFull() {
		JoinQueue queue = new JoinQueue(1, 2);
		for (int i = 0; i < 3; i++) {
			assertThat(queue.submit(CompletableFuture::new).toCompletableFuture()).isNotDone();
		}
		CompletableFuture<Object> refused = queue.submit(CompletableFuture::new).toCompletableFuture();
		assertThat(refused).isCompletedExceptionally();
		assertThat(refused.exceptionNow()).isInstanceOfSatisfying(StompboxException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE));
	}

	@Test
	void joinsThatEndAtOnceFreeTheirPlaceWithoutNesting() {
		JoinQueue queue = new JoinQueue(1, 100_000);
		CompletableFuture<String> first = new CompletableFuture<>();
		queue.submit(() -> first);
		AtomicInteger ran = new AtomicInteger();
		List<CompletionStage<String>> refused = new ArrayList<>();
		for (int i = 0; i < 50_000; i++) {
			refused.add(queue.submit(() -> {
				ran.incrementAndGet();
				throw ErrorCode.BAD_REQUEST.exception("bad");
			}));
		}
		first.complete("done");
		assertThat(ran).hasValue(50_000);
		assertThat(refused).allSatisfy((result) -> assertThat(result.toCompletableFuture()).isCompletedExceptionally());
		CompletableFuture<String> after = new CompletableFuture<>();
		CompletionStage<String> last = queue.submit(() -> after);
		after.complete("last");
		assertThat(last.toCompletableFuture()).isCompletedWithValue("last");
	}

}
