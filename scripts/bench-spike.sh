#!/usr/bin/env bash
# Benchmark 5, spike: steady ingest, a 10x burst for 60 s, steady again, with the pipeline running. Prints, second
# by second, the offered and accepted rates, 429/503 refusals (the generator honours Retry-After), the app's
# resident memory and the pipeline lag; then the peaks and the recovery time. Not a test: numbers go into the docs.
#   [BATCH=100] [WORKERS=256] scripts/bench-spike.sh [steady events/s=2000] [burst seconds=60] [multiplier=10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
RATE=${1:-2000}
BURST=${2:-60}
MULTIPLIER=${3:-10}
APP_PORT=5090

bench_database crowdstart_bench
bench_build
bench_app_start "$APP_PORT" /tmp/crowdstart-bench-app.log

read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
$BENCH spike --url "http://127.0.0.1:$APP_PORT/" --key "$KEY" --campaign "$CAMPAIGN" --app-pid "$APP_PID" \
    --rate "$RATE" --burst "$BURST" --multiplier "$MULTIPLIER" --before 30 --after 300 --workers "${WORKERS:-256}" --batch "${BATCH:-100}"
bench_machine
