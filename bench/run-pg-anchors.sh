#!/usr/bin/env bash
# Runs Taskwright's PostgreSQL store beside graphile-worker, pg-boss, bullmq (Redis) and bullmq's
# PostgreSQL backend in one invocation of the anchor harness (../shared/bench/anchors), so ratios
# are taken on one machine state. Taskwright runs twice: with the default retention (completed jobs
# kept 7 days) and with keepCompleted=0 (a completion deletes its job, as graphile-worker's does).
# The drains run one repetition at a time, each system in turn (a slow minute of a shared machine
# then falls on all of them); bench/merge-reps.mjs puts each system's repetitions back together.
# Writes JSON lines to $OUT (merged) and $OUT.raw (as run) and prints the summary tables.
#   bench/run-pg-anchors.sh        # after: (cd ../shared/bench/anchors && npm ci) and npm run build
# Env: OUT (default bench/results/pg-anchors.jsonl), REPS (latency and enqueue, default 3),
# DRAIN_REPS (default 5), HARNESS (default ../shared/bench/anchors;
# a copy with its node_modules installed elsewhere, if shared/ is read-only)
set -uo pipefail
cd "$(dirname "$0")/.."
HARNESS=${HARNESS:-../shared/bench/anchors}
OUT=${OUT:-$PWD/bench/results/pg-anchors.jsonl}
REPS=${REPS:-3}
DRAIN_REPS=${DRAIN_REPS:-5}
mkdir -p "$(dirname "$OUT")"
: > "$OUT.raw"
OURS="$PWD/bench/anchor-adapter.mjs"
SYSTEMS=("$OURS --opt store=postgres" "$OURS --opt store=postgres --opt keepCompleted=0" graphile-worker pg-boss bullmq)
run() {
  echo "### $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg): run.mjs $*" >&2
  (cd "$HARNESS" && node run.mjs "$@" --out "$OUT.raw" > /dev/null) || echo "!!! FAILED: $*" >&2
}
for ((rep = 1; rep <= DRAIN_REPS; rep++)); do
  for system in "${SYSTEMS[@]}"; do
    # shellcheck disable=SC2086
    run --system $system --scenario drain --count 100000 --concurrency 50 --reps 1
    # shellcheck disable=SC2086
    run --system $system --scenario drain --count 100000 --concurrency 50 --procs 2 --reps 1
  done
done
for system in "${SYSTEMS[@]}"; do
  # shellcheck disable=SC2086
  run --system $system --scenario latency --rate 500 --duration 20 --concurrency 10 --reps "$REPS"
  # shellcheck disable=SC2086
  run --system $system --scenario enqueue --mode seq --count 20000 --reps "$REPS"
done
run --system bullmq-pg --scenario enqueue --mode seq --count 20000 --reps "$REPS"
node bench/merge-reps.mjs "$OUT.raw" > "$OUT"
(cd "$HARNESS" && node summarize.mjs "$OUT")
