package dev.stompbox.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One STOMP client over a raw non-blocking socket, as PROTOCOL.md describes it: WebSocket
 * upgrade on the target's {@code /ws} with subprotocol {@code v12.stomp}, {@code CONNECT}
 * with the token in its {@code Authorization} header and no heart-beats, {@code SUBSCRIBE}
 * with receipts to its room and to {@code /user/queue/acks} and {@code /user/queue/errors}
 * (and {@code /user/queue/events} when asked), then a join with a {@code requestId}. It is
 * ready when the join ACK says ok. On a SockJS target the same frames go through SockJS's
 * websocket transport ({@link SockJsFrames}), the CONNECT once the server's open frame came.
 *
 * <p>Everything but {@link #send} runs on the owning {@link IoLoop}. What it receives is
 * tallied here: the distinct sequence numbers seen (for losses and duplicates) and whether
 * message ids only grew.
 */
final class Connection implements FrameDecoder.Sink {

	enum State {

		NEW, CONNECTING, UPGRADING, STOMP_CONNECTING, SUBSCRIBING, JOINING, READY, CLOSED

	}

	static final char ROOM = '0';

	static final char ACKS = '1';

	static final char ERRORS = '2';

	static final char EVENTS = '3';

	private static final int MAX_MESSAGE = 16 * 1024 * 1024;

	private static final byte[] HEADER_END = Wire.bytes("\r\n\r\n");

	private static final byte[] SWITCHING = Wire.bytes("HTTP/1.1 101");

	private static final byte[] SUBSCRIPTION = Wire.bytes("subscription:");

	private static final byte[] MESSAGE_HEADER = Wire.bytes("message:");

	private static final byte[] ID = Wire.bytes("\"id\"");

	private static final byte[] BODY = Wire.bytes("\"body\"");

	private static final byte[] SEQ = Wire.bytes("\"seq\"");

	private static final byte[] T = Wire.bytes("\"t\"");

	private static final byte[] TYPE = Wire.bytes("\"type\"");

	private static final byte[] OK = Wire.bytes("\"ok\"");

	private static final byte[] TRUE = Wire.bytes("true");

	private static final byte[] ERROR = Wire.bytes("\"error\"");

	final int index;

	final Target target;

	final InetAddress bindAddress;

	final String userId;

	/** The room it subscribes to and joins, or {@code null}. */
	final String roomId;

	final boolean userEvents;

	final IoLoop loop;

	private final boolean sockJs;

	private final Events events;

	private final FrameDecoder decoder = new FrameDecoder(MAX_MESSAGE);

	volatile String token;

	/** Joined and writable; publishers pick only ready connections. */
	volatile boolean ready;

	/** When the current connection attempt started ({@link System#nanoTime()}). */
	long attemptStarted;

	/** Failed attempts since it was last ready. */
	int failures;

	private State state = State.NEW;

	private SocketChannel channel;

	private SelectionKey key;

	private byte[] handshake;

	private int handshakeLen;

	private int receiptsDue;

	private final Object writeLock = new Object();

	private ArrayDeque<ByteBuffer> pending;

	private BitSet seen;

	private long distinct;

	private long duplicates;

	private long outOfOrder;

	private long lastMillis = -1;

	private long lastSeq = -1;

	Connection(int index, Target target, InetAddress bindAddress, String userId, String roomId, boolean userEvents,
			IoLoop loop, Events events) {
		this.index = index;
		this.target = target;
		this.sockJs = target.sockJs();
		this.bindAddress = bindAddress;
		this.userId = userId;
		this.roomId = roomId;
		this.userEvents = userEvents;
		this.loop = loop;
		this.events = events;
	}

	// --- what the workloads read (on the loop, or after IoLoop#submit as a barrier)

	long distinct() {
		return this.distinct;
	}

	long duplicates() {
		return this.duplicates;
	}

	long outOfOrder() {
		return this.outOfOrder;
	}

	/** How many distinct sequence numbers below {@code bound} were seen. */
	long seenBelow(long bound) {
		if (this.seen == null) {
			return 0;
		}
		return (bound >= this.seen.length()) ? this.distinct : this.seen.get(0, (int) bound).cardinality();
	}

	State state() {
		return this.state;
	}

	// --- lifecycle, on the loop

	/** Starts a connection attempt; a no-op unless new or closed. */
	void open() {
		if (this.state != State.NEW && this.state != State.CLOSED) {
			return;
		}
		this.attemptStarted = System.nanoTime();
		this.decoder.reset();
		this.handshake = null;
		this.handshakeLen = 0;
		this.receiptsDue = 0;
		this.state = State.CONNECTING;
		SocketChannel socket = null;
		try {
			socket = SocketChannel.open();
			socket.configureBlocking(false);
			socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
			if (this.bindAddress != null) {
				socket.bind(new InetSocketAddress(this.bindAddress, 0));
			}
			boolean connected = socket.connect(this.target.address());
			SelectionKey registered = socket.register(this.loop.selector(),
					connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
			synchronized (this.writeLock) {
				this.channel = socket;
				this.key = registered;
				this.pending = null;
			}
			if (connected) {
				upgrade();
			}
		}
		catch (IOException | RuntimeException ex) {
			if (socket != null && this.channel != socket) {
				closeQuietly(socket);
			}
			fail("connect: " + reason(ex));
		}
	}

	/** Drops the connection at once, as a network failure would (TCP reset), and reports nothing. */
	void abort() {
		if (this.state == State.NEW || this.state == State.CLOSED) {
			return;
		}
		this.ready = false;
		this.state = State.CLOSED;
		SocketChannel socket = detach();
		if (socket != null) {
			try {
				socket.setOption(StandardSocketOptions.SO_LINGER, 0);
			}
			catch (IOException ex) {
				// closing anyway
			}
			closeQuietly(socket);
		}
	}

	/** Closes the connection (TCP FIN) and reports nothing. */
	void close() {
		this.ready = false;
		this.state = State.CLOSED;
		SocketChannel socket = detach();
		if (socket != null) {
			closeQuietly(socket);
		}
	}

	private void fail(String reason) {
		if (this.state == State.CLOSED) {
			return;
		}
		boolean wasReady = this.ready;
		this.ready = false;
		this.state = State.CLOSED;
		SocketChannel socket = detach();
		if (socket != null) {
			closeQuietly(socket);
		}
		this.events.closed(this, reason, wasReady);
	}

	private SocketChannel detach() {
		synchronized (this.writeLock) {
			SocketChannel socket = this.channel;
			if (this.key != null) {
				this.key.cancel();
			}
			this.channel = null;
			this.key = null;
			this.pending = null;
			return socket;
		}
	}

	void selected(SelectionKey selected) {
		try {
			if (selected.isConnectable()) {
				if (!this.channel.finishConnect()) {
					return;
				}
				selected.interestOps(SelectionKey.OP_READ);
				upgrade();
			}
			if (selected.isValid() && selected.isReadable()) {
				read();
			}
			if (selected.isValid() && selected.isWritable()) {
				flush();
			}
		}
		catch (IOException | RuntimeException ex) {
			fail(reason(ex));
		}
	}

	private void upgrade() {
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		// The SockJS client asks for no subprotocol.
		String path = this.sockJs ? SockJsFrames.websocketPath(this.target.path()) : this.target.path();
		String request = "GET " + path + " HTTP/1.1\r\n" + "Host: " + this.target.host() + ":" + this.target.port()
				+ "\r\n" + "Upgrade: websocket\r\n" + "Connection: Upgrade\r\n" + "Sec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(nonce) + "\r\n" + "Sec-WebSocket-Version: 13\r\n"
				+ (this.sockJs ? "" : "Sec-WebSocket-Protocol: v12.stomp\r\n") + "\r\n";
		this.state = State.UPGRADING;
		send(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
	}

	private void read() throws IOException {
		ByteBuffer buffer = this.loop.readBuffer;
		for (int i = 0; i < 8 && this.state != State.CLOSED; i++) {
			buffer.clear();
			int n = this.channel.read(buffer);
			if (n < 0) {
				fail("closed by server");
				return;
			}
			if (n == 0) {
				return;
			}
			received(this.loop.readArray, 0, n);
			if (n < buffer.capacity()) {
				return;
			}
		}
	}

	private void received(byte[] a, int off, int len) {
		if (this.state != State.UPGRADING) {
			this.decoder.feed(a, off, len, this);
			return;
		}
		if (this.handshake == null || this.handshake.length < this.handshakeLen + len) {
			byte[] larger = new byte[Math.max(1024, (this.handshakeLen + len) * 2)];
			if (this.handshake != null) {
				System.arraycopy(this.handshake, 0, larger, 0, this.handshakeLen);
			}
			this.handshake = larger;
		}
		System.arraycopy(a, off, this.handshake, this.handshakeLen, len);
		this.handshakeLen += len;
		int end = Wire.indexOf(this.handshake, 0, this.handshakeLen, HEADER_END);
		if (end < 0) {
			if (this.handshakeLen > 64 * 1024) {
				fail("handshake: no end of headers");
			}
			return;
		}
		if (!Wire.startsWith(this.handshake, 0, end, SWITCHING)) {
			int eol = Wire.indexOf(this.handshake, 0, end, (byte) '\r');
			String status = new String(this.handshake, 0, (eol < 0) ? Math.min(end, 40) : eol, StandardCharsets.US_ASCII);
			fail("handshake: " + status.replace("HTTP/1.1 ", "HTTP "));
			return;
		}
		byte[] rest = this.handshake;
		int restFrom = end + HEADER_END.length;
		int restLen = this.handshakeLen - restFrom;
		this.handshake = null;
		this.handshakeLen = 0;
		this.state = State.STOMP_CONNECTING;
		if (!this.sockJs) {
			stompConnect();
		}
		if (restLen > 0) {
			this.decoder.feed(rest, restFrom, restLen, this);
		}
	}

	private void stompConnect() {
		sendStomp(Wire.stomp("CONNECT", "", "accept-version:1.2", "host:" + this.target.host(), "heart-beat:0,0",
				"Authorization:Bearer " + this.token));
	}

	private void sendStomp(byte[] frame) {
		send(Wire.text(this.sockJs ? SockJsFrames.wrap(frame) : frame));
	}

	// --- WebSocket messages, on the loop

	@Override
	public void ping(byte[] a, int off, int len) {
		byte[] payload = new byte[len];
		System.arraycopy(a, off, payload, 0, len);
		send(Wire.frame(Wire.OP_PONG, payload));
	}

	@Override
	public void closeFrame(int code) {
		fail("closed by server " + code);
	}

	@Override
	public void message(byte[] a, int off, int len) {
		if (this.sockJs) {
			sockJsMessage(a, off, len);
		}
		else {
			stompFrames(a, off, len);
		}
	}

	private void sockJsMessage(byte[] a, int off, int len) {
		switch (SockJsFrames.kind(a, off, len)) {
			case OPEN -> {
				if (this.state == State.STOMP_CONNECTING) {
					stompConnect();
				}
			}
			case HEARTBEAT -> {
			}
			case MESSAGES -> {
				if (!SockJsFrames.unwrap(a, off, len, this::stompFrames)) {
					this.events.problem(this, "unreadable SockJS frame");
				}
			}
			case CLOSE -> fail("closed by server " + new String(a, off + 1, len - 1, StandardCharsets.UTF_8));
			case UNKNOWN -> this.events.problem(this, "unexpected SockJS frame");
		}
	}

	/** One WebSocket message, or one SockJS message: STOMP frames (usually one) and heart-beat EOLs. */
	private void stompFrames(byte[] a, int off, int len) {
		int end = off + len;
		int p = off;
		while (p < end && this.state != State.CLOSED) {
			while (p < end && (a[p] == '\n' || a[p] == '\r')) {
				p++;
			}
			if (p >= end) {
				return;
			}
			int eol = Wire.indexOf(a, p, end, (byte) '\n');
			if (eol < 0) {
				this.events.problem(this, "unreadable frame");
				return;
			}
			byte command = a[p];
			char subscription = 0;
			String errorMessage = null;
			int h = eol + 1;
			while (h < end && a[h] != '\n' && !(a[h] == '\r' && h + 1 < end && a[h + 1] == '\n')) {
				int lineEnd = Wire.indexOf(a, h, end, (byte) '\n');
				if (lineEnd < 0) {
					lineEnd = end;
				}
				if (Wire.startsWith(a, h, lineEnd, SUBSCRIPTION) && h + SUBSCRIPTION.length < lineEnd) {
					subscription = (char) a[h + SUBSCRIPTION.length];
				}
				else if (command == 'E' && Wire.startsWith(a, h, lineEnd, MESSAGE_HEADER)) {
					errorMessage = new String(a, h + MESSAGE_HEADER.length, lineEnd - h - MESSAGE_HEADER.length,
							StandardCharsets.UTF_8).strip();
				}
				h = lineEnd + 1;
			}
			int bodyFrom = Math.min(end, (h < end && a[h] == '\r') ? h + 2 : h + 1);
			int nul = Wire.indexOf(a, bodyFrom, end, (byte) 0);
			int bodyTo = (nul < 0) ? end : nul;
			switch (command) {
				case 'M' -> stompMessage(subscription, a, bodyFrom, bodyTo);
				case 'R' -> receipt();
				case 'C' -> connected();
				case 'E' -> fail("STOMP ERROR " + ((errorMessage == null) ? "" : errorMessage));
				default -> this.events.problem(this, "unexpected frame " + (char) command);
			}
			p = bodyTo + 1;
		}
	}

	private void connected() {
		if (this.state != State.STOMP_CONNECTING) {
			return;
		}
		this.state = State.SUBSCRIBING;
		if (this.roomId != null) {
			subscribe(ROOM, "/topic/rooms/" + this.roomId);
		}
		subscribe(ACKS, "/user/queue/acks");
		subscribe(ERRORS, "/user/queue/errors");
		if (this.userEvents) {
			subscribe(EVENTS, "/user/queue/events");
		}
	}

	private void subscribe(char id, String destination) {
		this.receiptsDue++;
		sendStomp(Wire.stomp("SUBSCRIBE", "", "id:" + id, "destination:" + destination, "receipt:s" + id));
	}

	private void receipt() {
		if (this.state != State.SUBSCRIBING || --this.receiptsDue > 0) {
			return;
		}
		if (this.roomId == null) {
			becomeReady();
			return;
		}
		this.state = State.JOINING;
		String since = (this.lastMillis < 0) ? "" : ",\"since\":\"" + this.lastMillis + "-" + this.lastSeq + "\"";
		sendStomp(Wire.stomp("SEND", "{\"requestId\":\"j\"" + since + "}",
				"destination:/app/rooms/" + this.roomId + "/join", "content-type:application/json"));
	}

	private void becomeReady() {
		this.state = State.READY;
		this.failures = 0;
		this.ready = true;
		this.events.ready(this);
	}

	private void stompMessage(char subscription, byte[] a, int from, int to) {
		switch (subscription) {
			case ROOM -> roomMessage(a, from, to);
			case EVENTS -> userEvent(a, from, to);
			case ACKS -> ack(a, from, to);
			case ERRORS -> {
				String code = Wire.stringValue(a, from, to, ERROR);
				this.events.problem(this, "error " + ((code == null) ? "?" : code));
			}
			default -> this.events.problem(this, "MESSAGE for subscription '" + subscription + "'");
		}
	}

	private void ack(byte[] a, int from, int to) {
		if (this.state != State.JOINING || !"join".equals(Wire.stringValue(a, from, to, TYPE))) {
			return;
		}
		int ok = Wire.valueOf(a, from, to, OK);
		if (ok >= 0 && Wire.startsWith(a, ok, to, TRUE)) {
			becomeReady();
		}
		else {
			fail("join refused: " + Wire.stringValue(a, from, to, ERROR));
		}
	}

	private void roomMessage(byte[] a, int from, int to) {
		int id = Wire.valueOf(a, from, to, ID);
		if (id >= 0 && a[id] == '"') {
			int millisEnd = Wire.digitsEnd(a, id + 1, to);
			long millis = Wire.parseDigits(a, id + 1, millisEnd);
			long seq = (millisEnd < to && a[millisEnd] == '-')
					? Wire.parseDigits(a, millisEnd + 1, Wire.digitsEnd(a, millisEnd + 1, to)) : -1;
			if (millis < this.lastMillis || (millis == this.lastMillis && seq <= this.lastSeq)) {
				this.outOfOrder++;
			}
			else {
				this.lastMillis = millis;
				this.lastSeq = seq;
			}
		}
		int body = Wire.valueOf(a, from, to, BODY);
		long seq = (body < 0) ? -1 : Wire.longValue(a, body, to, SEQ);
		long sent = (body < 0) ? -1 : Wire.longValue(a, body, to, T);
		if (seq < 0 || sent < 0) {
			this.events.problem(this, "room message without seq and t");
			return;
		}
		if (tally(seq)) {
			this.events.roomMessage(this, seq, sent);
		}
	}

	private void userEvent(byte[] a, int from, int to) {
		int body = Wire.valueOf(a, from, to, BODY);
		long seq = (body < 0) ? -1 : Wire.longValue(a, body, to, SEQ);
		long sent = (body < 0) ? -1 : Wire.longValue(a, body, to, T);
		if (seq < 0 || sent < 0) {
			this.events.problem(this, "user event without seq and t");
			return;
		}
		if (tally(seq)) {
			this.events.userEvent(this, seq, sent);
		}
	}

	/** Counts a sequence number; false for a duplicate. */
	private boolean tally(long seq) {
		if (seq > Integer.MAX_VALUE - 1) {
			this.events.problem(this, "sequence number out of range");
			return false;
		}
		if (this.seen == null) {
			this.seen = new BitSet();
		}
		if (this.seen.get((int) seq)) {
			this.duplicates++;
			return false;
		}
		this.seen.set((int) seq);
		this.distinct++;
		return true;
	}

	// --- writes, from any thread

	/**
	 * Writes a frame now if the socket takes it, else queues the rest for the loop. The buffer
	 * may be reused by the caller once this returns. False when the connection is closed.
	 */
	boolean send(ByteBuffer frame) {
		synchronized (this.writeLock) {
			SocketChannel socket = this.channel;
			if (socket == null) {
				return false;
			}
			try {
				if (this.pending == null || this.pending.isEmpty()) {
					socket.write(frame);
					if (!frame.hasRemaining()) {
						return true;
					}
				}
				ByteBuffer rest = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
				if (this.pending == null) {
					this.pending = new ArrayDeque<>();
				}
				this.pending.add(rest);
				if (this.pending.size() == 1) {
					this.key.interestOpsOr(SelectionKey.OP_WRITE);
					if (!this.loop.inLoop()) {
						this.loop.selector().wakeup();
					}
				}
				return true;
			}
			catch (IOException | RuntimeException ex) {
				return false; // the loop sees the broken socket on its next read
			}
		}
	}

	private void flush() throws IOException {
		synchronized (this.writeLock) {
			while (this.pending != null && !this.pending.isEmpty()) {
				ByteBuffer head = this.pending.peek();
				this.channel.write(head);
				if (head.hasRemaining()) {
					return;
				}
				this.pending.poll();
			}
			if (this.key != null) {
				this.key.interestOpsAnd(~SelectionKey.OP_WRITE);
			}
		}
	}

	private static void closeQuietly(SocketChannel socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	static String reason(Throwable ex) {
		String message = ex.getMessage();
		String name = ex.getClass().getSimpleName();
		if (message == null || message.isBlank()) {
			return name;
		}
		return (message.length() > 60) ? message.substring(0, 60) : message;
	}

}
