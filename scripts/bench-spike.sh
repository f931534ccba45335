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
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
APP_PORT=5090
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_bench;Username=postgres;Maximum Pool Size=40"

pg_start "$PG_DATA" "$PG_PORT"
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_bench WITH (FORCE)" >/dev/null
bench_build

bench_app_start "$DB" "$APP_PORT" /tmp/crowdstart-bench-app.log

BENCH="dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll"
read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
$BENCH spike --url "http://127.0.0.1:$APP_PORT/" --key "$KEY" --campaign "$CAMPAIGN" --app-pid "$APP_PID" \
    --rate "$RATE" --burst "$BURST" --multiplier "$MULTIPLIER" --before 30 --after 300 --workers "${WORKERS:-256}" --batch "${BATCH:-100}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
