#!/usr/bin/env bash
# HTTP throughput of `kvs server --http` on Bitcask: GET and PUT of 100-byte values over 10,000
# keys, measured with Debian's wrk (https://github.com/wg/wrk). Needs a build (npm run build).
#
#   bench/http-figures.sh [duration=10s] [connections=32] [threads=2]
#
# Each run starts its own server on free ports in a temp directory: GET and PUT under the default
# `--sync always` (every PUT fsynced before its 204; concurrent PUTs share fsyncs), then PUT under
# `--sync never`. wrk and the server share this machine's cores, so figures are a floor.
set -euo pipefail

DURATION=${1:-10s}
CONNECTIONS=${2:-32}
THREADS=${3:-2}
KEYS=10000
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kvs-http-bench-XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -f $ROOT/dist/cli/commands/server.js ]] || { echo "no build: run npm run build first" >&2; exit 1; }

# One request script per operation: a random key of the preloaded range, a fixed 100-byte value.
cat >"$WORK/get.lua" <<LUA
request = function() return wrk.format("GET", "/v1/kv/bench:" .. math.random(1, $KEYS)) end
LUA
cat >"$WORK/put.lua" <<LUA
local body = string.rep("v", 100)
request = function() return wrk.format("PUT", "/v1/kv/bench:" .. math.random(1, $KEYS), nil, body) end
LUA

# start_server SYNC: starts kvs server and sets HTTP to its base URL.
start_server() {
  local dir="$WORK/data-$1"
  node "$ROOT/bin/run.js" server --dir "$dir" --addr 127.0.0.1:0 --http 127.0.0.1:0 --sync "$1" 2>"$WORK/server-$1.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    HTTP=$(grep -oP 'HTTP listening on \K\S+' "$WORK/server-$1.log" || true)
    [[ -n $HTTP ]] && break
    sleep 0.1
  done
  [[ -n $HTTP ]] || { cat "$WORK/server-$1.log" >&2; exit 1; }
  HTTP="http://$HTTP"
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=
}

preload() {
  node -e '
    const [base, n] = [process.argv[1], Number(process.argv[2])];
    const ops = Array.from({ length: n }, (_, i) => ({ type: "set", key: `bench:${i + 1}`, value: "v".repeat(100) }));
    fetch(`${base}/v1/batch`, { method: "POST", body: JSON.stringify({ ops }) }).then(async (r) => { if (r.status !== 200) { console.error(await r.text()); process.exit(1); } });
  ' "$HTTP" "$KEYS"
}

# run NAME SCRIPT: one wrk run, then its summary line.
run() {
  echo "== $1 (wrk -t$THREADS -c$CONNECTIONS -d$DURATION)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$2" "$HTTP" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|Socket errors'
}

echo "kvs HTTP throughput, $(nproc) cores, node $(node --version), $KEYS keys, 100-byte values"
start_server always
preload
run "GET, bitcask, sync always" "$WORK/get.lua"
run "PUT, bitcask, sync always" "$WORK/put.lua"
stop_server
start_server never
preload
run "PUT, bitcask, sync never" "$WORK/put.lua"
stop_server
