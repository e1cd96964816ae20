package dev.stompbox.presence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.stompbox.error.ErrorCode;
import dev.stompbox.error.StompboxException;
import dev.stompbox.relay.Publication;
import dev.stompbox.relay.RoomRelay;
import dev.stompbox.room.Draft;
import dev.stompbox.room.RoomId;
import dev.stompbox.support.TestSessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryPresenceTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final RoomId LOBBY = RoomId.of("lobby");

	private static final RoomId KITCHEN = RoomId.of("kitchen");

	private static final long NOW = 1_700_000_000_000L;

	private static final int LIMIT = 100;

	private static final int MAX_ROOMS = 3;

	private final RecordingRelay relay = new RecordingRelay();

	private final TestSessions sessions = new TestSessions().open("s1", "s2", "s3", "old-tab", "new-tab");

	private final InMemoryPresence presence = new InMemoryPresence(this.relay, JSON,
			Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), this.sessions, MAX_ROOMS);

	@Test
	void firstSessionOfAUserJoinsWithAnEvent() {
		List<Member> members = join(LOBBY, "s1", "alice", "Alice");
		assertThat(members).containsExactly(new Member("alice", "Alice", 1));
		assertThat(this.relay.events())
			.containsExactly(new Published(LOBBY, new PresenceEvent("join", "lobby", "alice", "Alice", NOW, 1)));
	}

	@Test
	void secondTabOfTheSameUserCountsASessionButSendsNoEvent() {
		join(LOBBY, "s1", "alice", "Alice");
		List<Member> members = join(LOBBY, "s2", "alice", "Alice");
		assertThat(members).containsExactly(new Member("alice", "Alice", 2));
		assertThat(this.relay.events()).hasSize(1);
	}

	@Test
	void countIsPresentUsersNotSessions() {
		join(LOBBY, "s1", "alice", "Alice");
		join(LOBBY, "s2", "alice", "Alice");
		join(LOBBY, "s3", "bob", "Bob");
		assertThat(this.relay.events()).last()
			.isEqualTo(new Published(LOBBY, new PresenceEvent("join", "lobby", "bob", "Bob", NOW, 2)));
		assertThat(members(LOBBY)).containsExactly(new Member("alice", "Alice", 2), new Member("bob", "Bob", 1));
	}

	@Test
	void joiningAgainWithTheSameSessionChangesNothing() {
		join(LOBBY, "s1", "alice", "Alice");
		assertThat(join(LOBBY, "s1", "alice", "Alice")).containsExactly(new Member("alice", "Alice", 1));
		assertThat(this.relay.events()).hasSize(1);
	}

	@Test
	void leaveEventComesWhenTheLastSessionLeavesNotTheFirstOfTwo() {
		join(LOBBY, "s1", "alice", "Alice");
		join(LOBBY, "s2", "alice", "Alice");
		join(LOBBY, "s3", "bob", "Bob");
		this.relay.clear();

		this.presence.leave(LOBBY, "s1").toCompletableFuture().join();
		assertThat(this.relay.events()).isEmpty();
		assertThat(members(LOBBY)).contains(new Member("alice", "Alice", 1));

		this.presence.leave(LOBBY, "s2").toCompletableFuture().join();
		assertThat(this.relay.events())
			.containsExactly(new Published(LOBBY, new PresenceEvent("leave", "lobby", "alice", "Alice", NOW, 1)));
		assertThat(members(LOBBY)).containsExactly(new Member("bob", "Bob", 1));
	}

	@Test
	void lastUserLeavingEmptiesTheRoomWithCountZero() {
		join(LOBBY, "s1", "alice", "Alice");
		this.presence.leave(LOBBY, "s1").toCompletableFuture().join();
		assertThat(this.relay.events()).last()
			.isEqualTo(new Published(LOBBY, new PresenceEvent("leave", "lobby", "alice", "Alice", NOW, 0)));
		assertThat(members(LOBBY)).isEmpty();
		assertThat(this.presence.joined(LOBBY, "s1")).isFalse();
	}

	@Test
	void leavingARoomTheSessionNeverJoinedIsANoOp() {
		join(LOBBY, "s1", "alice", "Alice");
		this.relay.clear();
		this.presence.leave(LOBBY, "s2").toCompletableFuture().join();
		this.presence.leave(KITCHEN, "s1").toCompletableFuture().join();
		assertThat(this.relay.events()).isEmpty();
		assertThat(members(LOBBY)).containsExactly(new Member("alice", "Alice", 1));
	}

	@Test
	void disconnectLeavesEveryRoomOfThatSessionOnly() {
		join(LOBBY, "s1", "alice", "Alice");
		join(KITCHEN, "s1", "alice", "Alice");
		join(KITCHEN, "s2", "alice", "Alice");
		this.relay.clear();

		this.presence.disconnected("s1").toCompletableFuture().join();
		assertThat(this.relay.events())
			.containsExactly(new Published(LOBBY, new PresenceEvent("leave", "lobby", "alice", "Alice", NOW, 0)));
		assertThat(members(KITCHEN)).containsExactly(new Member("alice", "Alice", 1));
		assertThat(this.presence.joined(LOBBY, "s1")).isFalse();
		assertThat(this.presence.joined(KITCHEN, "s1")).isFalse();
		assertThat(this.presence.joined(KITCHEN, "s2")).isTrue();

		this.presence.disconnected("s1").toCompletableFuture().join();
		assertThat(this.relay.events()).as("a second disconnect of the same session").hasSize(1);
	}

	@Test
	void joinedIsPerSessionAndRoom() {
		join(LOBBY, "s1", "alice", "Alice");
		assertThat(this.presence.joined(LOBBY, "s1")).isTrue();
		assertThat(this.presence.joined(LOBBY, "s2")).as("another tab of the user has not joined").isFalse();
		assertThat(this.presence.joined(KITCHEN, "s1")).isFalse();
	}

	@Test
	void membersAreASnapshotUnchangedByLaterJoins() {
		List<Member> before = join(LOBBY, "s1", "alice", "Alice");
		join(LOBBY, "s2", "alice", "Alice");
		join(LOBBY, "s3", "bob", "Bob");
		assertThat(before).containsExactly(new Member("alice", "Alice", 1));
	}

	@Test
	void joinListsAtMostTheLimitWithTheJoiningUserAmongThemAndCountsEveryone() {
		this.sessions.open("s-z", "s-a2");
		for (char user = 'a'; user <= 'j'; user++) {
			this.sessions.open("s-" + user);
			this.presence.join(LOBBY, new PresenceSession("s-" + user, "u-" + user, "U" + user), 3);
		}
		PresenceSnapshot last = this.presence.join(LOBBY, new PresenceSession("s-z", "u-z", "Zed"), 3)
			.toCompletableFuture()
			.join();
		assertThat(last.memberCount()).isEqualTo(11);
		assertThat(last.members()).extracting(Member::userId).containsExactly("u-a", "u-b", "u-z");
		PresenceSnapshot first = this.presence.join(LOBBY, new PresenceSession("s-a2", "u-a", "Ua"), 3)
			.toCompletableFuture()
			.join();
		assertThat(first.members()).containsExactly(new Member("u-a", "Ua", 2), new Member("u-b", "Ub", 1),
				new Member("u-c", "Uc", 1));
		assertThat(this.relay.events()).last()
			.isEqualTo(new Published(LOBBY, new PresenceEvent("join", "lobby", "u-z", "Zed", NOW, 11)));
	}

	@Test
	void membersArePagedInUserIdOrderEachExactlyOnce() {
		for (int i = 24; i >= 0; i--) {
			this.sessions.open("s" + i);
			join(LOBBY, "s" + i, String.format("user-%02d", i), "User " + i);
		}
		List<String> seen = new java.util.ArrayList<>();
		String after = null;
		int pages = 0;
		do {
			MemberPage page = this.presence.members(LOBBY, after, 10).toCompletableFuture().join();
			assertThat(page.memberCount()).isEqualTo(25);
			assertThat(page.members()).hasSizeLessThanOrEqualTo(10);
			page.members().forEach((member) -> seen.add(member.userId()));
			after = page.next();
			pages++;
		}
		while (after != null);
		assertThat(pages).isEqualTo(3);
		assertThat(seen).hasSize(25).isSorted().doesNotHaveDuplicates();
		MemberPage exact = this.presence.members(LOBBY, "user-14", 10).toCompletableFuture().join();
		assertThat(exact.members()).extracting(Member::userId).startsWith("user-15").endsWith("user-24");
		assertThat(exact.next()).as("the page ends with the last member").isNull();
		assertThat(this.presence.members(KITCHEN, null, 10).toCompletableFuture().join())
			.isEqualTo(new MemberPage("kitchen", List.of(), 0, null));
	}

	/**
	 * A page reload: alice's only tab disconnects while her new tab joins. Watchers must
	 * see the leave before the join, or they show her as gone while she is present. The
	 * first leave is held while it is encoded, which is when another thread could
	 * overtake it.
	 */
	@Test
	void eventsOfARoomArePublishedInTheOrderOfTheChanges() throws Exception {
		CountDownLatch encoding = new CountDownLatch(1);
		CountDownLatch proceed = new CountDownLatch(1);
		AtomicBoolean held = new AtomicBoolean();
		JsonMapper holdingFirstLeave = new JsonMapper() {

			@Override
			public byte[] writeValueAsBytes(Object value) {
				if (value instanceof PresenceEvent event && event.type().equals("leave")
						&& held.compareAndSet(false, true)) {
					encoding.countDown();
					await(proceed);
				}
				return super.writeValueAsBytes(value);
			}

		};
		InMemoryPresence presence = new InMemoryPresence(this.relay, holdingFirstLeave,
				Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), this.sessions, MAX_ROOMS);
		presence.join(LOBBY, new PresenceSession("old-tab", "alice", "Alice"), LIMIT);
		this.relay.clear();

		Thread closing = new Thread(() -> presence.disconnected("old-tab"));
		closing.start();
		await(encoding);
		Thread reloading = new Thread(
				() -> presence.join(LOBBY, new PresenceSession("new-tab", "alice", "Alice"), LIMIT));
		reloading.start();
		// Either the join overtakes the held leave, or it waits for it.
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> !this.relay.events().isEmpty() || reloading.getState() == Thread.State.BLOCKED);
		proceed.countDown();
		closing.join(10_000);
		reloading.join(10_000);

		assertThat(this.relay.events()).extracting((published) -> published.event().type())
			.containsExactly("leave", "join");
		assertThat(presence.members(LOBBY, null, LIMIT).toCompletableFuture().join().members())
			.containsExactly(new Member("alice", "Alice", 1));
	}

	/**
	 * A join still in flight when its session ended (a frame queued behind the close)
	 * must create nothing: the session's disconnect has been handled and would never
	 * remove it.
	 */
	@Test
	void aSessionThatHasEndedJoinsNothingAndIsNotAnswered() {
		this.sessions.end("s1");
		this.presence.disconnected("s1").toCompletableFuture().join();

		assertThat(join(LOBBY, "s1", "alice", "Alice")).isEmpty();
		assertThat(this.presence.joined(LOBBY, "s1")).isFalse();
		assertThat(members(LOBBY)).isEmpty();
		assertThat(this.presence.localSessions()).isZero();
		assertThat(this.relay.events()).isEmpty();
	}

	@Test
	void aJoinBeyondTheRoomsLimitIsRefusedWithLimitExceededAndARejoinIsNot() {
		join(RoomId.of("a"), "s1", "alice", "Alice");
		join(RoomId.of("b"), "s1", "alice", "Alice");
		join(RoomId.of("c"), "s1", "alice", "Alice");

		assertThatThrownBy(() -> join(RoomId.of("d"), "s1", "alice", "Alice")).cause()
			.isInstanceOfSatisfying(StompboxException.class,
					(refused) -> assertThat(refused.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED));
		assertThat(this.presence.joined(RoomId.of("d"), "s1")).isFalse();
		assertThat(members(RoomId.of("d"))).isEmpty();
		assertThat(join(RoomId.of("c"), "s1", "alice", "Alice")).as("a room already joined")
			.containsExactly(new Member("alice", "Alice", 1));
		assertThat(join(RoomId.of("d"), "s2", "alice", "Alice")).as("another session of the user")
			.containsExactly(new Member("alice", "Alice", 1));

		this.presence.leave(RoomId.of("a"), "s1").toCompletableFuture().join();
		assertThat(join(RoomId.of("d"), "s1", "alice", "Alice")).containsExactly(new Member("alice", "Alice", 2));
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private List<Member> join(RoomId room, String sessionId, String userId, String name) {
		PresenceSnapshot snapshot = this.presence.join(room, new PresenceSession(sessionId, userId, name), LIMIT)
			.toCompletableFuture()
			.join();
		assertThat(snapshot.roomId()).isEqualTo(room.value());
		return snapshot.members();
	}

	private List<Member> members(RoomId room) {
		return this.presence.members(room, null, LIMIT).toCompletableFuture().join().members();
	}

	record Published(RoomId room, PresenceEvent event) {
	}

	/** Keeps the presence events instead of delivering them. */
	static final class RecordingRelay implements RoomRelay {

		private final List<Published> events = new CopyOnWriteArrayList<>();

		List<Published> events() {
			return List.copyOf(this.events);
		}

		void clear() {
			this.events.clear();
		}

		@Override
		public CompletionStage<Publication> publish(Draft draft) {
			throw new UnsupportedOperationException("presence publishes no room messages");
		}

		@Override
		public CompletionStage<Void> publishPresence(RoomId room, byte[] json) {
			this.events.add(new Published(room, JSON.readValue(json, PresenceEvent.class)));
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletionStage<Void> attach(RoomId room) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void detach(RoomId room) {
		}

	}

}
