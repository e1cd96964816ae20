#!/usr/bin/env bash
# Measures start to readiness of the packaged jar on one core, without and with the AOT
# cache the Dockerfile builds. Usage: docker/measure-start.sh [runs]   (from the repo root)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
port=18089
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

./mvnw -q -B package -DskipTests
"$java" -Djarmode=tools -jar target/stompbox.jar extract --layers --destination "$work/app" >/dev/null
app="$work/app"
mkdir -p "$app/all" && cp -r "$app"/dependencies/. "$app"/spring-boot-loader/. "$app"/snapshot-dependencies/. "$app"/application/. "$app/all/"
jar="$app/all/stompbox.jar"

# Training run: start the context, record the cache, exit.
(cd "$app/all" && "$java" -Xmx512m -XX:AOTCacheOutput=stompbox.aot -Dspring.context.exit=onRefresh -jar stompbox.jar >/dev/null 2>&1)

measure() {
  local label="$1"; shift
  local total=0
  for i in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    (cd "$app/all" && PORT=$port taskset -c 0 "$java" "$@" -jar stompbox.jar >/dev/null 2>&1) &
    local pid=$!
    until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do sleep 0.02; done
    end=$(date +%s%N)
    # The subshell's java is its only child: stop exactly that process.
    pkill -P "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local ms=$(( (end - start) / 1000000 ))
    total=$(( total + ms ))
    echo "$label run $i: ${ms} ms"
  done
  echo "$label mean: $(( total / runs )) ms"
}

measure "java -jar" -Xmx512m
measure "java -jar with AOT cache" -Xmx512m -XX:AOTCache=stompbox.aot
