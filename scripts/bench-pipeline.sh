#!/usr/bin/env bash
# Pipeline benchmark: catch-up of a backlog (events/s from log to committed metrics), dashboard load times
# (10k-event vs backlog campaign), and freshness (commit → metric visible, p50/p99) at a steady rate.
#   scripts/bench-pipeline.sh [backlog=1000000] [rate=5000] [seconds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
BACKLOG=${1:-1000000}
RATE=${2:-5000}
SECONDS_RUN=${3:-30}

bench_database crowdstart_pipeline_bench
bench_build bench/Crowdstart.Bench
$BENCH pipeline --db "$DB" --events "$BACKLOG" --rate "$RATE" --seconds "$SECONDS_RUN"
bench_machine
