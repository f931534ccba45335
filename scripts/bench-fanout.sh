#!/usr/bin/env bash
# Fan-out benchmark against the real app (Release, own cluster on 55434, demo off): N SignalR subscribers streaming
# one campaign through /hubs/campaigns; push latency from ingest 202 to every subscriber's snapshot, and app memory.
#   scripts/bench-fanout.sh [subscribers=1000] [probes=30] [background events/s=0]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
SUBSCRIBERS=${1:-1000}
PROBES=${2:-30}
RATE=${3:-0}
APP_PORT=5092
ADMIN=bench-admin@crowdstart.test
PASSWORD=bench-admin-password-1

bench_database crowdstart_fanout_bench "Maximum Pool Size=60"
bench_build
# One benchmark account holds every subscriber: the per-account connection cap is lifted for it.
bench_app_start "$APP_PORT" /tmp/crowdstart-fanout-bench-app.log Accounts__BootstrapAdminEmail="$ADMIN" \
    Accounts__BootstrapAdminPassword="$PASSWORD" Alerts__Enabled=false Hub__MaxConnectionsPerUser=$((SUBSCRIBERS + 10))

$BENCH fanout --db "$DB" --url "http://127.0.0.1:$APP_PORT/" \
    --email "$ADMIN" --password "$PASSWORD" --app-pid "$APP_PID" --subscribers "$SUBSCRIBERS" --probes "$PROBES" --rate "$RATE"
bench_machine
