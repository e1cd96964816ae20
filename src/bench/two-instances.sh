#!/usr/bin/env bash
# Starts (or stops) what docs/performance.md's figures were measured against: a Redis
# on port 6390 and two Stompbox instances on 8081 and 8082.
#   eval "$(src/bench/two-instances.sh up | tail -1)"   # builds target/stompbox.jar if missing;
#                                      # sets PIDS, and STOMPBOX_JWT_SECRET (a fresh one when unset)
#   eval "$(src/bench/two-instances.sh up --image | tail -1)"   # what the image runs, below
#   src/bench/two-instances.sh down
# JAVA_OPTS goes to both instances; logs land in target/bench/. Its default heap flags are
# the image's: at most 20% of the heap free after a GC (G1's default allows 70%) but never
# below 128 MB, and a collection after 30 s without one.
#
# --image runs what docker/Dockerfile builds instead of the plain jar: the jar processed by
# Spring AOT for cluster mode (-Pcluster-aot), extracted, with an AOT cache trained in
# cluster mode under a workload (docker/train-aot-cache.sh), and the image's
# JAVA_TOOL_OPTIONS, sized as in a 2 GiB container (-XX:MaxRAM=2g, Cloud Run's limit)
# unless JAVA_OPTS says otherwise. It is built into target/bench/image/ when missing or
# older than a file under src/main, pom.xml, docker/Dockerfile or docker/train-aot-cache.sh
# (about a minute). A fresh instance of the image connects faster and grows its memory less
# in a burst than the plain jar does (docs/performance.md, "Connection set-up"), so
# connection figures are measured this way.
set -euo pipefail
cd "$(dirname "$0")/../.."
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
runs=target/bench
mkdir -p "$runs"
image=false
[ "${2:-}" = "--image" ] && image=true

# Builds the image's application into target/bench/image/ unless it is up to date.
build_image() {
  local app="$PWD/target/bench/image"
  # The flags count too: a cache trained with other ones is refused at start.
  if [ -s "$app/stompbox.aot" ] && [ -z "$(find src/main pom.xml docker/Dockerfile docker/train-aot-cache.sh \
    -newer "$app/stompbox.aot" -print -quit)" ]; then
    return
  fi
  # Its output goes to stderr: the last line of stdout is for eval.
  ./mvnw -q -B -DskipTests -Pcluster-aot package >&2
  rm -rf "$app"
  "$java" -Djarmode=tools -jar target/stompbox.jar extract --destination "$app" >/dev/null
  JAVA_TOOL_OPTIONS="$image_flags" JAVA="$java" docker/train-aot-cache.sh "$app" target/test-classes \
    "$app/stompbox.aot" >"$runs/training.log" 2>&1 || { cat "$runs/training.log" >&2; exit 1; }
}

case "${1:-up}" in
up)
  # Instances left up (from another checkout, say) would answer the readiness checks below
  # and be measured in place of these.
  for port in 6390 8081 8082; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is taken: stop what runs there first (src/bench/two-instances.sh down)" >&2
      exit 1
    fi
  done
  if $image; then
    image_flags="$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' docker/Dockerfile)"
    [ -n "$image_flags" ] || { echo "no JAVA_TOOL_OPTIONS in docker/Dockerfile" >&2; exit 1; }
    build_image
    # The image's flags and its cache; AOTMode=on fails the start if the cache does not fit,
    # instead of measuring a start without it.
    dir=target/bench/image
    flags="$image_flags -XX:AOTCache=stompbox.aot -XX:AOTMode=on ${JAVA_OPTS:--XX:MaxRAM=2g}"
  else
    [ -f target/stompbox.jar ] || ./mvnw -q -B -DskipTests package
    dir=target
    flags="${JAVA_OPTS:--Xmx3g -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10 -XX:MinHeapSize=128m -XX:G1PeriodicGCInterval=30000}"
  fi
  ulimit -n "$(ulimit -Hn)"
  # A fresh key unless one is given: the instances refuse published example keys. The load
  # generator signs its tokens with it too, so the last line hands it over.
  export STOMPBOX_JWT_SECRET="${STOMPBOX_JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
  redis-server --port 6390 --save '' --appendonly no --daemonize yes \
    --logfile "$PWD/$runs/redis.log" --pidfile "$PWD/$runs/redis.pid"
  for port in 8081 8082; do
    REDIS_URL=redis://127.0.0.1:6390 PORT=$port STOMPBOX_MAX_CONNECTIONS=70000 STOMPBOX_INSTANCE_ID=node-$port \
      nohup bash -c 'cd "$1" && shift && exec "$@"' _ "$dir" "$java" $flags -jar stompbox.jar >"$runs/server-$port.log" 2>&1 &
    echo $! >"$runs/server-$port.pid"
  done
  for port in 8081 8082; do
    until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null; do
      kill -0 "$(cat "$runs/server-$port.pid")" 2>/dev/null || { echo "instance on $port failed: $runs/server-$port.log" >&2; exit 1; }
      sleep 0.5
    done
  done
  echo "export STOMPBOX_JWT_SECRET='$STOMPBOX_JWT_SECRET' PIDS=$(cat $runs/server-8081.pid),$(cat $runs/server-8082.pid)"
  ;;
down)
  for port in 8081 8082; do
    [ -f "$runs/server-$port.pid" ] && kill "$(cat "$runs/server-$port.pid")" 2>/dev/null || true
  done
  sleep 2
  redis-cli -p 6390 shutdown nosave 2>/dev/null || true
  ;;
esac
