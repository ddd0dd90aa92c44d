#!/usr/bin/env bash
# redis-benchmark figures for `kvs server` against redis-server in the same run: see
# bench/resp-figures.mjs (interleaved rounds, medians, ratios). Usage: bench/resp-figures.sh [N]
# (N = requests per redis-benchmark test, default 100000). Needs a build (npm run build),
# redis-server and redis-benchmark. Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node bench/resp-figures.mjs --requests "${1:-100000}" --rounds "${ROUNDS:-3}"
