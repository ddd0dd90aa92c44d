#!/usr/bin/env bash
# redis-benchmark figures for `kvs server` (bitcask, and lsm when registered) and for a
# redis-server started on another port in the same run. Usage: bench/resp-figures.sh [N]
# (N = requests per test, default 100000). Needs a build (npm run build), redis-server and
# redis-benchmark. Prints one line per figure; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts `kvs server` with the given flags on a free port; sets PORT.
start_kvs() {
  local log="$WORK/kvs-$RANDOM.log"
  node bin/run.js server --addr 127.0.0.1:0 "$@" 2>"$log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    PORT="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2 || true)"
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  exit 1
}

stop_last() {
  local pid="${PIDS[-1]}"
  kill -INT "$pid"
  wait "$pid" || true
  unset 'PIDS[-1]'
}

# Runs redis-benchmark and prints "<label>: <test>: <rps> requests per second, p50=..." lines.
bench() {
  local label="$1"
  shift
  echo "\$ redis-benchmark -p PORT $*"
  redis-benchmark -p "$PORT" "$@" | tr '\r' '\n' | grep -E '^ ?[A-Z]+: [0-9.]+ requests per second' | sed "s/^ */$label: /"
}

engines=(bitcask)
if node bin/run.js engines --json | grep -q '"name":"lsm"'; then engines+=(lsm); fi

for engine in "${engines[@]}"; do
  start_kvs --engine "$engine" --dir "$WORK/$engine" --sync always
  bench "kvs $engine (sync always)" -t set,get -n "$N" -q
  bench "kvs $engine (sync always), -P 16" -t set,get -n "$N" -P 16 -q
  bench "kvs $engine (sync always), 50 clients, durable SET" -c 50 -t set -n 20000 -q
  bench "kvs $engine (sync always), 1 client, durable SET" -c 1 -t set -n 2000 -q
  stop_last
  start_kvs --engine "$engine" --dir "$WORK/$engine-never" --sync never
  bench "kvs $engine (sync never)" -t set,get -n "$N" -q
  bench "kvs $engine (sync never), -P 16" -t set,get -n "$N" -P 16 -q
  stop_last
done

REDIS_PORT=$((20000 + RANDOM % 20000))
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
PORT="$REDIS_PORT"
for _ in $(seq 1 50); do redis-cli -p "$PORT" PING >/dev/null 2>&1 && break; sleep 0.1; done
bench "redis-server $(redis-server --version | grep -o 'v=[0-9.]*') (no persistence)" -t set,get -n "$N" -q
bench "redis-server (no persistence), -P 16" -t set,get -n "$N" -P 16 -q
redis-cli -p "$PORT" CONFIG SET appendonly yes >/dev/null
redis-cli -p "$PORT" CONFIG SET appendfsync always >/dev/null
sleep 1
bench "redis-server (appendfsync always), 50 clients, durable SET" -c 50 -t set -n 20000 -q
bench "redis-server (appendfsync always), 1 client, durable SET" -c 1 -t set -n 2000 -q
