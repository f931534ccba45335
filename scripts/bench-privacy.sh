#!/usr/bin/env bash
# Privacy-layer benchmark: validation with PII scan + allowlist (events/s, one core), access-check latency, and
# the retention sweep (expired raw events deleted + customer ids erased, rows/s) on a fresh database.
#   scripts/bench-privacy.sh [events=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
EVENTS=${1:-1000000}
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_privacy_bench;Username=postgres;Maximum Pool Size=40"

pg_start "$PG_DATA" "$PG_PORT"
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_privacy_bench WITH (FORCE)" >/dev/null
dotnet build bench/Crowdstart.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll privacy --db "$DB" --events "$EVENTS"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
