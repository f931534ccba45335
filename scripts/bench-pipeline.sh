#!/usr/bin/env bash
# Pipeline benchmark: catch-up of a backlog (events/s from log to committed metrics), dashboard load times
# (10k-event vs backlog campaign), and freshness (commit → metric visible, p50/p99) at a steady rate.
#   scripts/bench-pipeline.sh [backlog=1000000] [rate=5000] [seconds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
BACKLOG=${1:-1000000}
RATE=${2:-5000}
SECONDS_RUN=${3:-30}
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_pipeline_bench;Username=postgres;Maximum Pool Size=40"

pg_start "$PG_DATA" "$PG_PORT"
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_pipeline_bench WITH (FORCE)" >/dev/null
dotnet build bench/Crowdstart.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll pipeline --db "$DB" --events "$BACKLOG" --rate "$RATE" --seconds "$SECONDS_RUN"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
