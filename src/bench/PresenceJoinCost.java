// What one presence join and leave cost Redis in rooms of growing size: Redis's own time per
// call (INFO commandstats, so neither the network nor this client is counted) and the size of
// the join's reply. A join, a leave or a disconnect must not cost more in a bigger room.
//
//   java src/bench/PresenceJoinCost.java PORT [SCRIPT] [SIZES] [calls]
//
// PORT is a Redis you started and may empty (FLUSHALL), for example the bench Redis of
// two-instances.sh on 6390; SCRIPT defaults to src/main/resources/dev/stompbox/presence/presence.lua
// (pass an older one, say from `git show main:src/main/resources/dev/stompbox/presence/presence.lua`,
// to compare); SIZES defaults to 100,1000,10000,100000, calls (joins, then as many leaves, per
// size) to 500. A compact source file: no build, no
// dependencies, a bare RESP client over a socket.

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

static final String ROOM_PREFIX = "bench:presence:";

static final String INSTANCES = "bench:instances";

static final String LIST_LIMIT = "100";

/** Fills a room with users straight into the presence keys, sessions on instance bench-fill. */
static final String FILL = """
		local users, names, order, sessions = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
		local held = ARGV[2]
		for i = 1, tonumber(ARGV[1]) do
		  local user = string.format('member-%08d', i)
		  redis.call('HSET', users, user, 1)
		  redis.call('HSET', names, user, 'Member ' .. i)
		  redis.call('ZADD', order, 0, user)
		  redis.call('HSET', sessions, 'fill-' .. i, user)
		  redis.call('SADD', held, ARGV[3] .. '\\n' .. 'fill-' .. i)
		end
		return 1
		""";

Socket socket;

OutputStream out;

InputStream in;

void main(String[] args) throws IOException {
	int port = Integer.parseInt(args[0]);
	String script = Files.readString(Path.of((args.length > 1) ? args[1]
			: "src/main/resources/dev/stompbox/presence/presence.lua"));
	String sizes = (args.length > 2) ? args[2] : "100,1000,10000,100000";
	int calls = (args.length > 3) ? Integer.parseInt(args[3]) : 500;
	this.socket = new Socket("127.0.0.1", port);
	this.out = this.socket.getOutputStream();
	this.in = new BufferedInputStream(this.socket.getInputStream());
	String sha = (String) call("SCRIPT", "LOAD", script);
	// A first round unmeasured: Redis's first calls of a script cost more (allocation, its caches).
	for (int i = 0; i < 200; i++) {
		call("EVALSHA", sha, "1", INSTANCES, "join", ROOM_PREFIX, "bench:inst:", "bench:channel:", "bench-run",
				"warm-up", "w" + i, "warm-" + i, "Warm " + i, LIST_LIMIT);
	}
	System.out.printf("%10s %14s %14s %16s%n", "members", "join us/call", "leave us/call", "join reply bytes");
	for (String size : sizes.split(",")) {
		int members = Integer.parseInt(size.trim());
		call("FLUSHALL");
		String room = "room" + members;
		String p = ROOM_PREFIX + "{" + room + "}:";
		call("EVAL", FILL, "4", p + "users", p + "names", p + "order", p + "sessions", Integer.toString(members),
				"bench:inst:bench-fill:presence", room);
		long replyBytes = 0;
		call("CONFIG", "RESETSTAT");
		for (int i = 0; i < calls; i++) {
			Object reply = call("EVALSHA", sha, "1", INSTANCES, "join", ROOM_PREFIX, "bench:inst:", "bench:channel:",
					"bench-run", room, "s" + i, String.format("joiner-%05d", i), "Joiner " + i, LIST_LIMIT);
			replyBytes += size(reply);
		}
		double join = usecPerCall();
		call("CONFIG", "RESETSTAT");
		for (int i = 0; i < calls; i++) {
			call("EVALSHA", sha, "1", INSTANCES, "leave", ROOM_PREFIX, "bench:inst:", "bench:channel:", "bench-run",
					room, "s" + i);
		}
		double leave = usecPerCall();
		System.out.printf("%10d %14.1f %14.1f %16d%n", members, join, leave, replyBytes / calls);
	}
	call("FLUSHALL");
	this.socket.close();
}

/** Redis's own microseconds per EVALSHA since the last CONFIG RESETSTAT. */
double usecPerCall() throws IOException {
	String stats = (String) call("INFO", "commandstats");
	for (String line : stats.split("\r\n")) {
		if (line.startsWith("cmdstat_evalsha:")) {
			for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
				if (field.startsWith("usec_per_call=")) {
					return Double.parseDouble(field.substring("usec_per_call=".length()));
				}
			}
		}
	}
	throw new IllegalStateException("no evalsha in " + stats);
}

static long size(Object reply) {
	if (reply instanceof String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}
	if (reply instanceof List<?> list) {
		long total = 0;
		for (Object part : list) {
			total += size(part);
		}
		return total;
	}
	return 8;
}

Object call(String... parts) throws IOException {
	ByteArrayOutputStream command = new ByteArrayOutputStream();
	command.writeBytes(("*" + parts.length + "\r\n").getBytes(StandardCharsets.UTF_8));
	for (String part : parts) {
		byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
		command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
		command.writeBytes(bytes);
		command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
	}
	this.out.write(command.toByteArray());
	this.out.flush();
	return read();
}

Object read() throws IOException {
	int type = this.in.read();
	String line = line();
	return switch (type) {
		case '+' -> line;
		case '-' -> throw new IllegalStateException("Redis: " + line);
		case ':' -> Long.parseLong(line);
		case '$' -> {
			int length = Integer.parseInt(line);
			if (length < 0) {
				yield null;
			}
			byte[] bytes = this.in.readNBytes(length);
			this.in.readNBytes(2);
			yield new String(bytes, StandardCharsets.UTF_8);
		}
		case '*' -> {
			int count = Integer.parseInt(line);
			List<Object> items = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				items.add(read());
			}
			yield items;
		}
		default -> throw new IllegalStateException("Unexpected reply type " + (char) type);
	};
}

String line() throws IOException {
	StringBuilder line = new StringBuilder();
	int c;
	while ((c = this.in.read()) != '\r') {
		if (c < 0) {
			throw new IOException("Redis closed the connection");
		}
		line.append((char) c);
	}
	this.in.read();
	return line.toString();
}
