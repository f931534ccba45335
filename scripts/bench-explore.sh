#!/usr/bin/env bash
# Ad-hoc exploration benchmark: N raw events (default 10 million) in one campaign of a fresh database (own cluster
# on 55434), then ten typical explorer queries through ExploreService: p50/p95 per query and EXPLAIN highlights.
# The database is kept between runs (a second run with reload=false only re-measures).
#   scripts/bench-explore.sh [events=10000000] [runs=20] [reload=true]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
EVENTS=${1:-10000000}
RUNS=${2:-20}
RELOAD=${3:-true}
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_explore_bench;Username=postgres;Maximum Pool Size=20;Command Timeout=0"

# Production-like memory settings for a 24 GiB machine (PostgreSQL's defaults are sized for tiny hosts): a quarter
# of RAM as shared buffers, random reads priced for RAM/SSD. The cluster is restarted so they apply.
pg_stop "$PG_DATA"
pg_start "$PG_DATA" "$PG_PORT" shared_buffers=6GB effective_cache_size=16GB random_page_cost=1.1
if [ "$RELOAD" = true ]; then
    pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_explore_bench WITH (FORCE)" >/dev/null
fi
dotnet build bench/Crowdstart.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d crowdstart_explore_bench -qc "SHOW shared_buffers" 2>/dev/null || true
dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll explore --db "$DB" --events "$EVENTS" --runs "$RUNS"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $(postgres --version | awk '{print $3}'); $(date -u +%F)"
