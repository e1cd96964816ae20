#!/usr/bin/env bash
# Records the JDK's AOT cache (JDK 25, -XX:AOTCacheOutput) for the extracted jar in APP_DIR,
# in cluster mode and under a workload, as production runs it: a redis-server of its own on a
# free port, the server, then clients of the load generator (src/bench) that connect, join
# and send through it, then SIGTERM; the JVM writes the cache as it exits. The cache holds the
# classes loaded and linked and the methods' profiles, so a start that maps it neither loads
# those classes again nor waits as long for profiles before compiling the hot methods.
# Used by docker/Dockerfile and docker/measure-start.sh.
#
# Usage: train-aot-cache.sh APP_DIR BENCH_CLASSES CACHE
#   APP_DIR        the extracted jar: APP_DIR/stompbox.jar and APP_DIR/lib
#   BENCH_CLASSES  the load generator's classes (target/test-classes); it needs only the JDK
#                  and HdrHistogram, which APP_DIR/lib has
#   CACHE          the cache to write
# The server's other flags come from JAVA_TOOL_OPTIONS, as in the image. JAVA names the java
# to run (default: the one on the PATH); redis-server must be on the PATH.
set -euo pipefail
app="$1"
bench="$2"
cache="$3"
java="${JAVA:-java}"
# shellcheck source=local-processes.sh
source "$(dirname "$0")/local-processes.sh"
start_redis

# Demo mode: the load generator gets its tokens from /auth/demo-token, and no key belongs in
# an image. -Xmx: a container-sized heap keeps compressed oops on however big the build machine
# is; a cache recorded without them is refused at start. A jar processed for actuator on a port of its own (MANAGEMENT_SERVER_PORT) only
# starts with one: a free port here.
port=$(free_port)
probe_port="$port"
if [ -n "${MANAGEMENT_SERVER_PORT:-}" ]; then
  probe_port=$(free_port)
fi
(cd "$app" && exec env -u STOMPBOX_JWT_SECRET -u STOMPBOX_JWT_JWKS_URI -u MANAGEMENT_SERVER_PORT \
  ${MANAGEMENT_SERVER_PORT:+MANAGEMENT_SERVER_PORT="$probe_port"} \
  PORT="$port" REDIS_URL="redis://127.0.0.1:$redis_port" STOMPBOX_DEMO=true \
  "$java" -Xmx512m -XX:AOTCacheOutput="$cache" -Dspring.aot.enabled=true -jar stompbox.jar) >"$scratch/server.log" 2>&1 &
server_pid=$!
ready='GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n'
for _ in $(seq 3000); do
  answers "$probe_port" "$ready" ' 200 ' && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log"; exit 1; }
  sleep 0.1
done
answers "$probe_port" "$ready" ' 200 ' || { echo "not ready after 300 s" >&2; cat "$scratch/server.log"; exit 1; }
echo "train-aot-cache: server ready in cluster mode, running the workload"

# What an instance does most: connections coming and going (a storm: all dropped at once and
# re-joined) and room messages fanned out to their subscribers. Small, to keep the build short;
# enough for the hot paths to reach C2.
generator=("$java" -cp "$bench:$(echo "$app"/lib/HdrHistogram-*.jar)" dev.stompbox.bench.LoadGenerator)
target="ws://127.0.0.1:$port/ws"
workload() {
  if "${generator[@]}" "$@" --targets "$target" --quiet >"$scratch/workload.log" 2>&1; then
    echo "train-aot-cache: $1 done"
  else
    # The cache records what ran; a figure the generator did not like fails no build.
    echo "train-aot-cache: $1 exited with $?:" >&2
    grep -v '^{' "$scratch/workload.log" >&2 || true
  fi
}
workload storm --clients 300 --rooms 10 --rounds 3 --pause-ms 500
workload fanout --rooms 10 --subscribers 20 --rate 4000 --duration 20 --warmup 3

kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
echo "train-aot-cache: server stopped"
if [ ! -s "$cache" ]; then
  echo "train-aot-cache: no cache written" >&2
  cat "$scratch/server.log" >&2
  exit 1
fi
