#!/usr/bin/env bash
# Ad-hoc exploration benchmark: N raw events (default 10 million) in one campaign of a fresh database (own cluster
# on 55434), then ten typical explorer queries through ExploreService: p50/p95 per query and EXPLAIN highlights.
# The database is kept between runs (a second run with reload=false only re-measures).
#   scripts/bench-explore.sh [events=10000000] [runs=20] [reload=true] [parallel workers per query=0]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
EVENTS=${1:-10000000}
RUNS=${2:-20}
RELOAD=${3:-true}
WORKERS=${4:-0}
# Production-like memory settings for a 24 GiB machine (PostgreSQL's defaults are sized for tiny hosts): a quarter
# of RAM as shared buffers, random reads priced for RAM/SSD. The cluster is restarted so they apply.
pg_stop "$BENCH_PG_DATA"
pg_start "$BENCH_PG_DATA" "$BENCH_PG_PORT" shared_buffers=6GB effective_cache_size=16GB random_page_cost=1.1
keep=; [ "$RELOAD" = true ] || keep=keep
bench_database crowdstart_explore_bench "Maximum Pool Size=20;Command Timeout=0" "$keep"
bench_build bench/Crowdstart.Bench
pg_as_postgres psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d crowdstart_explore_bench -qc "SHOW shared_buffers" 2>/dev/null || true
$BENCH explore --db "$DB" --events "$EVENTS" --runs "$RUNS" --parallel-workers "$WORKERS"
bench_machine
