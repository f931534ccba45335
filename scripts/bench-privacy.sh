#!/usr/bin/env bash
# Privacy-layer benchmark: validation with PII scan + allowlist (events/s, one core), access-check latency, and
# the retention sweep (expired raw events deleted + customer ids erased, rows/s) on a fresh database.
#   scripts/bench-privacy.sh [events=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
EVENTS=${1:-1000000}

bench_database crowdstart_privacy_bench
bench_build bench/Crowdstart.Bench
$BENCH privacy --db "$DB" --events "$EVENTS"
bench_machine
