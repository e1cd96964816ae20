package dev.stompbox.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hostile client of the {@code hostile} workload. It connects, subscribes to its own acks and
 * errors, sends a burst of frames that are each answered on the connection (a subscription
 * flood, a join flood, subscriptions to foreign destinations, SENDs to unknown and unjoined
 * destinations), waits for every answer, then one frame that must be answered with an ERROR
 * frame and a close (garbage, an invalid or huge {@code content-length}, an oversized frame,
 * a SEND outside {@code /app}), and connects again. Every frame sent is counted by kind, and
 * so is every answer: a RECEIPT, an ACK or an error for the first kind, an ERROR frame for
 * the second. A frame whose answer does not come within the answer timeout is unanswered.
 */
final class Attacker implements Runnable {

	enum Kind {

		SUBSCRIPTION_FLOOD(false), JOIN_FLOOD(false), FOREIGN_SUBSCRIBE(false), UNKNOWN_APP_SEND(false),
		NOT_JOINED_SEND(false), GARBAGE(true), CONTENT_LENGTH_INVALID(true), CONTENT_LENGTH_NEGATIVE(true),
		CONTENT_LENGTH_HUGE(true), CONTENT_LENGTH_OVER_LIMIT(true), OVERSIZED(true), FOREIGN_SEND(true);

		final boolean closing;

		Kind(boolean closing) {
			this.closing = closing;
		}

		String label() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		static Kind of(String label) {
			for (Kind kind : values()) {
				if (kind.label().equals(label)) {
					return kind;
				}
			}
			throw new IllegalArgumentException("--kinds: no kind '" + label + "'; kinds: "
					+ Arrays.stream(values()).map(Kind::label).toList());
		}

	}

	/** What all attackers counted, by kind of hostile frame. */
	static final class Tally {

		final Map<Kind, LongAdder> sent = new EnumMap<>(Kind.class);

		final Map<Kind, LongAdder> answered = new EnumMap<>(Kind.class);

		final LongAdder connections = new LongAdder();

		final LongAdder closes = new LongAdder();

		final LongAdder refusedConnects = new LongAdder();

		final Map<String, LongAdder> answers = new ConcurrentHashMap<>();

		Tally() {
			for (Kind kind : Kind.values()) {
				this.sent.put(kind, new LongAdder());
				this.answered.put(kind, new LongAdder());
			}
		}

		long sent() {
			return this.sent.values().stream().mapToLong(LongAdder::sum).sum();
		}

		long answered() {
			return this.answered.values().stream().mapToLong(LongAdder::sum).sum();
		}

		void answer(String what) {
			this.answers.computeIfAbsent(what, (key) -> new LongAdder()).increment();
		}

	}

	private static final String NUL = "\u0000";

	private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\"\\s*:\\s*\"([^\"]*)\"");

	private static final Pattern DESTINATION = Pattern.compile("\"destination\"\\s*:\\s*\"([^\"]*)\"");

	private static final Pattern ERROR_CODE = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]*)\"");

	private static final Kind[] BURST_MIX = { Kind.SUBSCRIPTION_FLOOD, Kind.JOIN_FLOOD, Kind.SUBSCRIPTION_FLOOD,
			Kind.JOIN_FLOOD, Kind.FOREIGN_SUBSCRIBE, Kind.UNKNOWN_APP_SEND, Kind.SUBSCRIPTION_FLOOD,
			Kind.NOT_JOINED_SEND };

	static final Kind[] CLOSING_KINDS = Arrays.stream(Kind.values())
		.filter((kind) -> kind.closing)
		.toArray(Kind[]::new);

	/** The kinds this attacker sends in a burst, in the order of the mix, and to close. */
	private final Kind[] burstKinds;

	private final Kind[] closingKinds;

	private final String name;

	private final Target target;

	private final String token;

	private final int burst;

	private final int maxFrameBytes;

	private final Duration answerTimeout;

	private final Tally tally;

	private final HttpClient http;

	private volatile boolean running = true;

	private long serial;

	private int cycle;

	/**
	 * @param index which attacker: the kind of closing frame each starts with, so that a few
	 * attackers cover every kind in their first connections
	 */
	Attacker(int index, String name, Target target, String token, Set<Kind> kinds, int burst,
			int maxFrameBytes, Duration answerTimeout, Tally tally, HttpClient http) {
		this.cycle = index;
		this.burstKinds = Arrays.stream(BURST_MIX).filter(kinds::contains).toArray(Kind[]::new);
		this.closingKinds = Arrays.stream(CLOSING_KINDS).filter(kinds::contains).toArray(Kind[]::new);
		this.name = name;
		this.target = target;
		this.token = token;
		this.burst = burst;
		this.maxFrameBytes = maxFrameBytes;
		this.answerTimeout = answerTimeout;
		this.tally = tally;
		this.http = http;
	}

	/**
	 * Ends the attack after the connection under way, whose answers are still awaited; each
	 * attacker makes at least one.
	 */
	void stop() {
		this.running = false;
	}

	@Override
	public void run() {
		int failures = 0;
		boolean first = true;
		while (first || this.running) {
			first = false;
			try {
				attack();
				failures = 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				this.tally.refusedConnects.increment();
				failures++;
				try {
					Thread.sleep(Math.min(2000, 50L << Math.min(failures, 5)));
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/** One connection: connect, a burst answered in place, one frame that closes it. */
	private void attack() throws InterruptedException {
		Session session = Session.open(this.http, this.target);
		try {
			this.tally.connections.increment();
			session.send(stomp("CONNECT", "", "accept-version:1.2", "host:" + this.target.host(), "heart-beat:0,0",
					"Authorization:Bearer " + this.token));
			Frame connected = session.next(this.answerTimeout);
			if (connected == null || !"CONNECTED".equals(connected.command())) {
				throw new IllegalStateException("CONNECT answered " + connected);
			}
			session.send(stomp("SUBSCRIBE", "", "id:e", "destination:/user/queue/errors", "receipt:e"));
			session.send(stomp("SUBSCRIBE", "", "id:a", "destination:/user/queue/acks", "receipt:a"));
			Map<String, Kind> outstanding = new HashMap<>();
			outstanding.put("e", null);
			outstanding.put("a", null);
			await(session, outstanding);
			if (!outstanding.isEmpty()) {
				throw new IllegalStateException("No receipts for the attacker's own queues");
			}
			this.cycle++;
			Set<String> burstKeys = new HashSet<>();
			for (int i = 0; i < this.burst && this.burstKinds.length > 0 && session.isOpen(); i++) {
				Kind kind = this.burstKinds[i % this.burstKinds.length];
				String key = this.name + "-c" + this.cycle + "-" + (this.serial++);
				outstanding.put(answerKey(kind, key), kind);
				burstKeys.add(answerKey(kind, key));
				this.tally.sent.get(kind).increment();
				session.send(burstFrame(kind, key));
			}
			await(session, outstanding);
			if (this.closingKinds.length == 0) {
				return;
			}
			Kind closing = this.closingKinds[(this.cycle - 1) % this.closingKinds.length];
			this.tally.sent.get(closing).increment();
			session.send(closingFrame(closing));
			long deadline = System.nanoTime() + this.answerTimeout.toNanos();
			while (true) {
				Frame frame = session.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
				if (frame == null) {
					break;
				}
				if (frame.closeCode() >= 0) {
					this.tally.closes.increment();
					this.tally.answer("close " + frame.closeCode());
					break;
				}
				if ("ERROR".equals(frame.command())) {
					this.tally.answered.get(closing).increment();
					this.tally.answer("ERROR " + frame.header("message"));
				}
				else if ("MESSAGE".equals(frame.command()) && !burstKeys.contains(keyOf(frame.body()))) {
					// The second of an ACK and an error for one request of the burst is no answer to this.
					this.tally.answer("queued " + code(frame.body()) + " (not an ERROR frame)");
				}
			}
		}
		finally {
			session.abort();
		}
	}

	private static String answerKey(Kind kind, String key) {
		return switch (kind) {
			case SUBSCRIPTION_FLOOD -> "/topic/rooms/" + key;
			case FOREIGN_SUBSCRIBE -> "/topic/not-a-room-" + key;
			default -> key;
		};
	}

	private String burstFrame(Kind kind, String key) {
		return switch (kind) {
			case SUBSCRIPTION_FLOOD -> stomp("SUBSCRIBE", "", "id:" + key, "destination:/topic/rooms/" + key,
					"receipt:/topic/rooms/" + key);
			case FOREIGN_SUBSCRIBE -> stomp("SUBSCRIBE", "", "id:" + key, "destination:/topic/not-a-room-" + key,
					"receipt:/topic/not-a-room-" + key);
			case JOIN_FLOOD -> send("/app/rooms/" + key + "/join", "{\"requestId\":\"" + key + "\"}");
			case UNKNOWN_APP_SEND -> send("/app/nothing/" + key, "{\"requestId\":\"" + key + "\"}");
			case NOT_JOINED_SEND -> send("/app/rooms/" + key + "/messages",
					"{\"requestId\":\"" + key + "\",\"body\":\"x\"}");
			default -> throw new IllegalArgumentException(kind.name());
		};
	}

	private String closingFrame(Kind kind) {
		String room = "/app/rooms/" + this.name + "/messages";
		return switch (kind) {
			case GARBAGE -> "HELLO\nfrom:nowhere\n\n\u0001\u0002garbage" + NUL;
			case CONTENT_LENGTH_INVALID -> contentLength(room, "abc");
			case CONTENT_LENGTH_NEGATIVE -> contentLength(room, "-5");
			case CONTENT_LENGTH_HUGE -> contentLength(room, "99999999999999999999");
			case CONTENT_LENGTH_OVER_LIMIT -> contentLength(room, "2147483647");
			case OVERSIZED -> send(room, "{\"body\":\"" + "x".repeat(this.maxFrameBytes) + "\"}");
			case FOREIGN_SEND -> send("/topic/rooms/" + this.name, "{\"body\":\"x\"}");
			default -> throw new IllegalArgumentException(kind.name());
		};
	}

	private static String contentLength(String destination, String length) {
		return "SEND\ndestination:" + destination + "\ncontent-type:application/json\ncontent-length:" + length
				+ "\n\n{}" + NUL;
	}

	private static String send(String destination, String json) {
		return stomp("SEND", json, "destination:" + destination, "content-type:application/json");
	}

	private static String stomp(String command, String body, String... headers) {
		return command + "\n" + String.join("\n", headers) + "\n\n" + body + NUL;
	}

	/** Reads answers until every outstanding key is answered or the answer timeout passes. */
	private void await(Session session, Map<String, Kind> outstanding) throws InterruptedException {
		long deadline = System.nanoTime() + this.answerTimeout.toNanos();
		while (!outstanding.isEmpty()) {
			long left = deadline - System.nanoTime();
			Frame frame = (left > 0) ? session.next(Duration.ofNanos(left)) : null;
			if (frame == null) {
				return;
			}
			if (frame.closeCode() >= 0) {
				this.tally.closes.increment();
				this.tally.answer("close " + frame.closeCode() + " during the burst");
				return;
			}
			String key = switch (frame.command()) {
				case "RECEIPT" -> frame.header("receipt-id");
				case "MESSAGE" -> keyOf(frame.body());
				default -> null;
			};
			if ("ERROR".equals(frame.command())) {
				this.tally.answer("ERROR " + frame.header("message") + " during the burst");
			}
			if (key != null && outstanding.containsKey(key)) {
				Kind kind = outstanding.remove(key);
				if (kind != null) {
					this.tally.answered.get(kind).increment();
					this.tally.answer(kind.label() + " " + (("RECEIPT".equals(frame.command())) ? "receipt"
							: code(frame.body())));
				}
			}
		}
	}

	/** The request an ACK or error answers: its requestId, else its destination. */
	private static String keyOf(String json) {
		Matcher requestId = REQUEST_ID.matcher(json);
		if (requestId.find()) {
			return requestId.group(1);
		}
		Matcher destination = DESTINATION.matcher(json);
		return destination.find() ? destination.group(1) : null;
	}

	private static String code(String json) {
		Matcher error = ERROR_CODE.matcher(json);
		if (error.find()) {
			return error.group(1);
		}
		return json.contains("\"ok\":true") ? "ok" : "?";
	}

	/** A STOMP frame received, or the close of the connection ({@code closeCode >= 0}). */
	record Frame(String command, Map<String, String> headers, String body, int closeCode) {

		String header(String name) {
			return this.headers.get(name);
		}

		static Frame parse(String text) {
			String frame = text.stripLeading();
			int headersEnd = frame.indexOf("\n\n");
			String head = (headersEnd < 0) ? frame : frame.substring(0, headersEnd);
			String[] lines = head.split("\n");
			Map<String, String> headers = new HashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
				}
			}
			String body = (headersEnd < 0) ? "" : frame.substring(headersEnd + 2);
			int nul = body.indexOf('\u0000');
			return new Frame(lines[0].strip(), headers, (nul < 0) ? body : body.substring(0, nul), -1);
		}

	}

	/** One WebSocket of the JDK's client; what it receives waits in a queue for the attacker's thread. */
	private static final class Session implements WebSocket.Listener {

		private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();

		private final StringBuilder partial = new StringBuilder();

		private WebSocket socket;

		private volatile boolean open = true;

		static Session open(HttpClient http, Target target) {
			Session session = new Session();
			session.socket = http.newWebSocketBuilder()
				.subprotocols("v12.stomp")
				.connectTimeout(Duration.ofSeconds(10))
				.buildAsync(URI.create(target.toString()), session)
				.orTimeout(15, TimeUnit.SECONDS)
				.join();
			return session;
		}

		boolean isOpen() {
			return this.open;
		}

		void send(String text) {
			if (!this.open) {
				return;
			}
			try {
				this.socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
			}
			catch (RuntimeException ex) {
				// The server closed it: what it answered is in the queue.
				this.open = false;
			}
		}

		Frame next(Duration wait) throws InterruptedException {
			return this.received.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
		}

		void abort() {
			this.open = false;
			this.socket.abort();
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				String message = this.partial.toString();
				this.partial.setLength(0);
				if (!message.isBlank()) {
					this.received.add(Frame.parse(message));
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.open = false;
			this.received.add(new Frame("", Map.of(), reason, statusCode));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.open = false;
			this.received.add(new Frame("", Map.of(), String.valueOf(error), 1006));
		}

	}

}
