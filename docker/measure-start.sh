#!/usr/bin/env bash
# Start to readiness of the image's configuration in cluster mode, on one core: the jar
# processed by Spring AOT for cluster mode (-Pcluster-aot), the AOT cache trained as the
# Dockerfile trains it (docker/train-aot-cache.sh), the image's JAVA_TOOL_OPTIONS, the memory
# of a 2 GiB container (-XX:MaxRAM=2g, the Cloud Run service's limit), a redis-server of its
# own on a free port, and `taskset -c 0`. Each run is timed from the start of java until
# /actuator/health/readiness answers 200, then stopped with SIGTERM. -XX:AOTMode=on: a cache
# the JVM cannot use fails the run instead of timing a start without it. Beside the wall time
# each run shows the CPU time the JVM used until then: on a busy machine, the start's own work.
#
# Usage: docker/measure-start.sh [--compare] [runs]    (from the repository root; 5 runs)
#   --compare  also, in turns with the image: plain `java -jar` (no Spring AOT, no cache);
#              the image before Spring AOT (a cache trained single node, exiting at refresh);
#              the image with C1 only (-XX:TieredStopAtLevel=1)
#   START_FLAGS="..."  more JVM flags for every measured start (not the training)
#   MAVEN_ARGS=-o      offline build (Maven reads MAVEN_ARGS)
# Needs a JDK 25 (JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64), redis-server,
# taskset and curl. The last line is the image's mean: start-to-ready cluster 1-core: N.N s
set -euo pipefail
cd "$(dirname "$0")/.."
compare=false
if [ "${1:-}" = "--compare" ]; then
  compare=true
  shift
fi
runs="${1:-5}"
# Maven too: process-aot compiles the generated code with the JDK that runs Maven.
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
# shellcheck source=local-processes.sh
source docker/local-processes.sh

redis() {  # redis COMMAND: the first line of the answer
  printf '%s\r\n' "$1" | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$redis_port; cat >&3; head -n 1 <&3" 2>/dev/null
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

mean() {
  printf '%s\n' "$@" | awk '{ t += $1 } END { printf "%.0f", t / NR }'
}

./mvnw -q -B package -DskipTests -Pcluster-aot
app="$scratch/app"
"$java" -Djarmode=tools -jar target/stompbox.jar extract --destination "$app" >/dev/null

# The image's flags, read from the Dockerfile so that both stay the same; not for the build
# (with spring.aot.enabled Spring AOT cannot process the application).
image_flags="$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' docker/Dockerfile)"
[ -n "$image_flags" ] || { echo "no JAVA_TOOL_OPTIONS in docker/Dockerfile" >&2; exit 1; }
export JAVA_TOOL_OPTIONS="$image_flags -XX:MaxRAM=2g"

echo "training the AOT cache in cluster mode under a workload (docker/train-aot-cache.sh)"
JAVA="$java" docker/train-aot-cache.sh "$app" target/test-classes "$app/stompbox.aot" >"$scratch/training.log" 2>&1 \
  || { cat "$scratch/training.log"; exit 1; }

names=("image")
flags=("-XX:AOTCache=stompbox.aot -XX:AOTMode=on")
if $compare; then
  echo "training the cache the image had before: single node, exiting at refresh, without Spring AOT"
  (cd "$app" && env -u REDIS_URL "$java" -Xmx512m -XX:AOTCacheOutput=before.aot -Dspring.aot.enabled=false \
    -Dspring.context.exit=onRefresh -Dstompbox.demo=true -jar stompbox.jar) >"$scratch/training-before.log" 2>&1 \
    || { cat "$scratch/training-before.log"; exit 1; }
  names+=("java -jar" "image before" "image, C1 only")
  flags+=("-Dspring.aot.enabled=false" "-Dspring.aot.enabled=false -XX:AOTCache=before.aot -XX:AOTMode=on"
    "-XX:AOTCache=stompbox.aot -XX:AOTMode=on -XX:TieredStopAtLevel=1")
fi

start_redis

port=$(free_port)
declare -A walls cpus failures
echo "uptime before: $(uptime)"
# Variants in turns, so that a busy moment of the machine falls on all of them.
for i in $(seq "$runs"); do
  for v in "${!names[@]}"; do
    redis FLUSHALL >/dev/null
    start=$(date +%s%N)
    # shellcheck disable=SC2086 # flags are words
    (cd "$app" && exec env PORT="$port" REDIS_URL="redis://127.0.0.1:$redis_port" STOMPBOX_DEMO=true \
      taskset -c 0 "$java" ${flags[$v]} ${START_FLAGS:-} -jar stompbox.jar) >"$scratch/run.log" 2>&1 &
    server_pid=$!
    failed=false
    until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do
      kill -0 "$server_pid" 2>/dev/null || { failed=true; break; }
      sleep 0.02
    done
    if $failed; then
      # Counted apart, not in the figures; the cause is the last exception the JVM logged.
      wait "$server_pid" 2>/dev/null || true
      server_pid=""
      failures[$v]=$(( ${failures[$v]:-0} + 1 ))
      echo "run $i, ${names[$v]}: failed to start: $(grep -E '^(Caused by|[a-z.]+\.[A-Za-z]*Exception)' "$scratch/run.log" | tail -n 1)"
      continue
    fi
    end=$(date +%s%N)
    # CPU the JVM used until then (utime + stime), all its threads.
    cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$server_pid/stat")
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    ms=$(( (end - start) / 1000000 ))
    walls[$v]="${walls[$v]:-} $ms"
    cpus[$v]="${cpus[$v]:-} $cpu_ms"
    echo "run $i, ${names[$v]}: ${ms} ms (cpu ${cpu_ms} ms)"
  done
done
echo "uptime after: $(uptime)"
for v in "${!names[@]}"; do
  # shellcheck disable=SC2086 # lists of numbers
  if [ -z "${walls[$v]:-}" ]; then
    echo "${names[$v]}: no start succeeded"
    continue
  fi
  echo "${names[$v]}: median $(median ${walls[$v]}) ms, mean $(mean ${walls[$v]}) ms (cpu median $(median ${cpus[$v]}) ms)${failures[$v]:+, ${failures[$v]} failed}"
done
[ -n "${walls[0]:-}" ] || exit 1
# shellcheck disable=SC2086
awk -v ms="$(mean ${walls[0]})" 'BEGIN { printf "start-to-ready cluster 1-core: %.1f s\n", ms / 1000 }'
