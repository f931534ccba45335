#!/usr/bin/env bash
# Dashboard benchmark against the real app (Release build, own cluster on 55434, demo off): initial load of a
# campaign holding millions of events (view computation and signed-in page request), event committed → hub
# snapshot latency under a steady background load through the ingest API, and server memory per open campaign
# page (app RSS with N pages open in Debian's Chromium). Not a test: numbers go into docs/benchmarks.md.
#   scripts/bench-dashboard.sh [events=2000000] [rate=5000] [seconds=60] [pages=100]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
EVENTS=${1:-2000000}
RATE=${2:-5000}
SECONDS_RUN=${3:-60}
PAGES=${4:-100}
APP_PORT=5091
ADMIN=bench-admin@crowdstart.test
PASSWORD=bench-admin-password-1

bench_database crowdstart_dashboard_bench "Maximum Pool Size=60"
bench_build
# One benchmark account opens every page: the per-account circuit cap is lifted for it.
bench_app_start "$APP_PORT" /tmp/crowdstart-dashboard-bench-app.log Accounts__BootstrapAdminEmail="$ADMIN" \
    Accounts__BootstrapAdminPassword="$PASSWORD" Alerts__Enabled=false Hub__MaxCircuitsPerUser=$((PAGES + 10))

$BENCH dashboard --db "$DB" --url "http://127.0.0.1:$APP_PORT/" \
    --email "$ADMIN" --password "$PASSWORD" --app-pid "$APP_PID" --events "$EVENTS" --rate "$RATE" --seconds "$SECONDS_RUN" --pages "$PAGES" \
    --chromium "$(command -v chromium || echo /usr/bin/chromium)"
bench_machine
