#!/usr/bin/env bash
# Ingest baseline: sustained durable events/s through HTTP (load generator in its own process, batches of
# 500 over loopback, pipeline running) beside the raw binary COPY rate of rows of the same shape into the
# same table on the same cluster. Prints both and their ratio. Not a test: numbers go into the docs.
#   scripts/bench-ingest.sh [seconds=20] [concurrency=4]      (PROCESSING=false: ingest alone, pipeline off)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
SECONDS_RUN=${1:-20}
CONCURRENCY=${2:-4}
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
APP_PORT=5090
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_bench;Username=postgres;Maximum Pool Size=40"

pg_start "$PG_DATA" "$PG_PORT"
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_bench WITH (FORCE)" >/dev/null
dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly

ConnectionStrings__Crowdstart="$DB" Urls="http://127.0.0.1:$APP_PORT" Demo__Enabled=false Logging__LogLevel__Default=Warning \
    Processing__Enabled="${PROCESSING:-true}" \
    dotnet Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll >/tmp/crowdstart-bench-app.log 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$APP_PORT/openapi/v1.json" >/dev/null && break; sleep 0.5; done

BENCH="dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll"
read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
HTTP=$($BENCH http --url "http://127.0.0.1:$APP_PORT/" --key "$KEY" --campaign "$CAMPAIGN" --seconds "$SECONDS_RUN" --concurrency "$CONCURRENCY" --batch 500)
echo "$HTTP"
kill $APP_PID; wait $APP_PID 2>/dev/null || true

N=$(sed -E 's/.*http_events=([0-9]+).*/\1/' <<<"$HTTP")
COPY=$($BENCH copy --db "$DB" --campaign "$CAMPAIGN" --events "$N" --batch 5000)
echo "$COPY"
H=$(sed -E 's/.*http_events_per_s=([0-9]+).*/\1/' <<<"$HTTP")
C=$(sed -E 's/.*copy_events_per_s=([0-9]+).*/\1/' <<<"$COPY")
awk -v h="$H" -v c="$C" 'BEGIN { printf "http/copy ratio=%.2f\n", h / c }'
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
