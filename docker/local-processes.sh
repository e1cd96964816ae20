# Sourced by train-aot-cache.sh (in the image build) and measure-start.sh (on a workstation):
# a scratch directory, the processes the script starts, stopped by their ids when it exits,
# free ports, and a Redis of its own.
scratch="$(mktemp -d)"
redis_pid=""
server_pid=""

stop() {
  # Only the processes started here.
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap stop EXIT

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# answers PORT REQUEST EXPECTED: the first line of the answer contains EXPECTED.
answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf '%b' "$2" >&3 && head -n 1 <&3 | grep -q "$3") 2>/dev/null
}

# Starts redis-server (from the PATH) on a free port: sets redis_port and redis_pid.
start_redis() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$scratch/redis.log" 2>&1 &
  redis_pid=$!
  until answers "$redis_port" 'PING\r\n' PONG; do
    kill -0 "$redis_pid" 2>/dev/null || { cat "$scratch/redis.log"; exit 1; }
    sleep 0.1
  done
}
