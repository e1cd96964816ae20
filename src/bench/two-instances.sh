#!/usr/bin/env bash
# Starts (or stops) what docs/performance.md's figures were measured against: a Redis
# on port 6390 and two Stompbox instances on 8081 and 8082 running the packaged jar.
#   eval "$(src/bench/two-instances.sh up | tail -1)"   # builds target/stompbox.jar if missing;
#                                      # sets PIDS, and STOMPBOX_JWT_SECRET (a fresh one when unset)
#   src/bench/two-instances.sh down
# JAVA_OPTS goes to both instances; logs land in target/bench/. Its default heap flags are
# the image's: at most 20% of the heap free after a GC (G1's default allows 70%) but never
# below 128 MB, and a collection after 30 s without one.
set -euo pipefail
cd "$(dirname "$0")/../.."
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
runs=target/bench
mkdir -p "$runs"
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
  [ -f target/stompbox.jar ] || ./mvnw -q -B -DskipTests package
  ulimit -n "$(ulimit -Hn)"
  # A fresh key unless one is given: the instances refuse published example keys. The load
  # generator signs its tokens with it too, so the last line hands it over.
  export STOMPBOX_JWT_SECRET="${STOMPBOX_JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
  redis-server --port 6390 --save '' --appendonly no --daemonize yes \
    --logfile "$PWD/$runs/redis.log" --pidfile "$PWD/$runs/redis.pid"
  for port in 8081 8082; do
    REDIS_URL=redis://127.0.0.1:6390 PORT=$port STOMPBOX_MAX_CONNECTIONS=70000 STOMPBOX_INSTANCE_ID=node-$port \
      nohup "$java" ${JAVA_OPTS:--Xmx3g -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10 -XX:MinHeapSize=128m -XX:G1PeriodicGCInterval=30000} -jar target/stompbox.jar >"$runs/server-$port.log" 2>&1 &
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
