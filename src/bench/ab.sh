#!/usr/bin/env bash
# Before and after on one machine: builds REV in a worktree under target/bench/, then takes
# turns between it and this checkout, each time on fresh instances (two-instances.sh): a
# two-round 5,000-client storm while the JIT is cold (as on instances a deploy just
# started), a 25k dlv/s warm-up, two fanout ladders and a two-round storm again. Taking turns
# spreads what else the machine is doing over both sides; read the second ladder of each
# run, when the JIT has settled. Odd rounds start with REV, even rounds with this checkout, so
# take an even number of rounds. Results land in target/bench/ab/.
#   src/bench/ab.sh REV [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rev="${1:?usage: src/bench/ab.sh REV [ROUNDS]}"
rounds="${2:-2}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export STOMPBOX_JWT_SECRET="${STOMPBOX_JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
ulimit -n "$(ulimit -Hn)"
here="$PWD"
there="$here/target/bench/ab-$(git rev-parse --short "$rev")"
out="$here/target/bench/ab"
mkdir -p "$out"
[ -d "$there" ] || git worktree add -q --detach "$there" "$rev"
[ -f "$there/target/stompbox.jar" ] || (cd "$there" && ./mvnw -q -B -DskipTests package)
[ -f target/stompbox.jar ] || ./mvnw -q -B -DskipTests package
T=ws://127.0.0.1:8081/ws,ws://127.0.0.1:8082/ws
bench() { ./mvnw -q -Pbench -Dargs="$*" 2>/dev/null; }
for round in $(seq 1 "$rounds"); do
  # The side that goes second meets what the first left behind (the box's load was 5.6 to 8.1
  # as the second turn began, 1.2 to 4.5 as the first did): even rounds go the other way round.
  sides="before after"; [ $((round % 2)) -eq 0 ] && sides="after before"
  for side in $sides; do
    repo="$here"; [ "$side" = before ] && repo="$there"
    file="$out/$side-$round.txt"
    eval "$("$repo/src/bench/two-instances.sh" up | tail -1)"
    echo "== $side ($( [ "$side" = before ] && echo "$rev" || echo HEAD)) round $round, load $(cut -d' ' -f1 /proc/loadavg)" >"$file"
    bench storm --targets $T --clients 5000 --rounds 2 --storm-timeout 60 --server-pids "$PIDS" | sed -n 3,5p >>"$file" \
      || echo "cold storm: the generator failed" >>"$file"
    bench fanout --targets $T --rooms 10 --subscribers 100 --rate 25000 --warmup 5 --duration 15 --server-pids "$PIDS" | sed -n 3,4p >>"$file"
    for ladder in 1 2; do
      bench fanout --targets $T --rooms 10 --subscribers 100 --ladder 10000,25000,50000,75000,100000,150000,200000 --server-pids "$PIDS" | sed -n 3,10p >>"$file"
    done
    bench storm --targets $T --clients 5000 --rounds 2 --server-pids "$PIDS" | sed -n 3,5p >>"$file"
    "$repo/src/bench/two-instances.sh" down >/dev/null 2>&1
    sleep 5
    cat "$file"
  done
done
