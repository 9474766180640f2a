#!/usr/bin/env bash
# Runs Taskwright beside bullmq and graphile-worker in one invocation of the anchor harness
# (../shared/bench/anchors), so ratios are taken on one machine state. Writes JSON lines to $OUT
# (default /tmp/taskwright-anchors.jsonl) and prints the summary tables.
#   bench/run-anchors.sh            # after: (cd ../shared/bench/anchors && npm ci) and npm run build
set -euo pipefail
cd "$(dirname "$0")/.."
HARNESS=${HARNESS:-../shared/bench/anchors}
OUT=${OUT:-/tmp/taskwright-anchors.jsonl}
REPS=${REPS:-3}
: > "$OUT"
OURS="$PWD/bench/anchor-adapter.mjs"
for system in "$OURS" graphile-worker bullmq; do
  node "$HARNESS/run.mjs" --system "$system" --scenario drain --count 100000 --concurrency 50 --reps "$REPS" --out "$OUT" >/dev/null
  node "$HARNESS/run.mjs" --system "$system" --scenario latency --rate 500 --duration 20 --concurrency 10 --reps "$REPS" --out "$OUT" >/dev/null
  node "$HARNESS/run.mjs" --system "$system" --scenario enqueue --mode bulk --count 20000 --batch 1000 --reps "$REPS" --out "$OUT" >/dev/null
done
node "$HARNESS/summarize.mjs" "$OUT"
