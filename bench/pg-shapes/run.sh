#!/usr/bin/env bash
# Database CPU per job of four job-table shapes, claim + outcome, at several batch sizes, with
# pgbench against the machine's PostgreSQL (synchronous_commit as the server has it). Each row:
# a fresh seed, then CLIENTS sessions for DURATION seconds, each looping "claim BATCH, settle them".
# Busy cores come from /proc/stat (the whole machine: pgbench itself is a small share).
#   bench/pg-shapes/run.sh                 # env: PGURL, BATCHES ("50 100 250"), CLIENTS (6), DURATION (3 s), SEED (600000 jobs)
set -euo pipefail
cd "$(dirname "$0")"
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432/postgres}
BATCHES=${BATCHES:-50 100 250}
CLIENTS=${CLIENTS:-6}
DURATION=${DURATION:-3}
SEED=${SEED:-600000}
psql -q "$PGURL" -f schema.sql >/dev/null 2>&1
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
echo "| shape | batch | jobs/s | busy cores | µs of CPU per job |"
echo "|---|---:|---:|---:|---:|"
for batch in $BATCHES; do
  for shape in wide-update wide-delete split-live narrow-delete; do
    psql -q "$PGURL" -v n="$SEED" -f seed.sql >/dev/null 2>&1
    psql -q "$PGURL" -c checkpoint
    read -r b1 t1 < <(busy)
    tps=$(pgbench "$PGURL" -n -c "$CLIENTS" -j 2 -T "$DURATION" -M prepared -D batch="$batch" -f "$shape.sql" 2>&1 | awk '/^tps/{print $3}')
    read -r b2 t2 < <(busy)
    # a run that used up the seeded jobs measured empty claims: its figure would mean nothing
    case "$shape" in
      wide-*) waiting="SELECT count(*) FROM xa.jobs WHERE state = 'queued'" ;;
      split-live) waiting="SELECT count(*) FROM xb.live WHERE state = 'queued'" ;;
      narrow-delete) waiting="SELECT count(*) FROM xg.jobs WHERE is_available" ;;
    esac
    if [ -z "$tps" ] || [ "$(psql -At "$PGURL" -c "$waiting")" -eq 0 ]; then echo "| $shape | $batch | ran dry: raise SEED | | |"; continue; fi
    awk -v s="$shape" -v b="$batch" -v tps="$tps" -v db="$((b2 - b1))" -v dt="$((t2 - t1))" -v cores="$(nproc)" \
      'BEGIN { jobs = tps * b; c = cores * db / dt; printf "| %s | %d | %d | %.2f | %.1f |\n", s, b, jobs, c, c * 1e6 / jobs }'
  done
done
