#!/usr/bin/env bash
# Pipeline benchmark, on the PostgreSQL log and then (JETSTREAM=true, the default) on a JetStream log, in the same run:
#   - catch-up of a backlog: events/s from the log to committed metrics (in-process consumers, one per partition);
#     on JetStream this is also the sink's sustained rate into event_log (each batch's raw events are inserted in the
#     transaction of its metrics and checkpoint);
#   - dashboard load times (10k-event vs backlog campaign);
#   - freshness commit → checkpoint covering it committed (p50/p99) at a steady rate of appends;
#   - freshness as a viewer sees it (HUB=false skips): the app (pipeline on, port 5090) under RATE events/s of HTTP
#     load on one campaign; a probe pledge every 0.5–1 s on another; its 202 → the first snapshot of the campaign
#     hub's stream (signed-in SignalR client) that counts it, p50/p99, on each engine; then, same app, HTTP ingest as
#     fast as 4 clients with batches of 1,000 go for SECONDS, and how many events the pipeline folded in meanwhile
#     (on JetStream that is also the sink's rate into event_log while ingest shares the cores).
#   scripts/bench-pipeline.sh [backlog=1000000] [rate=5000] [seconds=30]
# JetStream: REPLICAS=1 (default, one server) or 3 (a 3-server cluster on loopback), client ports 55470.. .
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
source scripts/nats.sh
BACKLOG=${1:-1000000}
RATE=${2:-5000}
SECONDS_RUN=${3:-30}
REPLICAS=${REPLICAS:-1}
APP_PORT=5090
ADMIN=bench-admin@crowdstart.test
PASSWORD=bench-admin-password-1

bench_database crowdstart_pipeline_bench
bench_build
$BENCH pipeline --db "$DB" --events "$BACKLOG" --rate "$RATE" --seconds "$SECONDS_RUN"

APP_PID=""
NATS_DIR=""
cleanup() {
    [ -z "$APP_PID" ] || kill "$APP_PID" 2>/dev/null || true
    [ -z "$NATS_DIR" ] || { nats_stop "$NATS_DIR"; rm -rf "$NATS_DIR"; }
}
trap cleanup EXIT
hub_freshness() { # LABEL [NAME=value...]: the app on DB with the pipeline on, then the probe
    local label=$1
    shift
    bench_app_start "$APP_PORT" "/tmp/crowdstart-pipeline-bench-app-$label.log" Accounts__BootstrapAdminEmail="$ADMIN" \
        Accounts__BootstrapAdminPassword="$PASSWORD" Alerts__Enabled=false Processing__Enabled=true "$@"
    trap cleanup EXIT
    $BENCH hubfresh --db "$DB" --url "http://127.0.0.1:$APP_PORT/" --email "$ADMIN" --password "$PASSWORD" --rate "$RATE" \
        --seconds "$SECONDS_RUN" --label "$label"
    # Sustained: HTTP ingest as fast as 4 clients go (batches of 1,000) with the pipeline on; events folded into
    # metrics during the run (on JetStream: also inserted into event_log) against events accepted.
    local campaign key folded http
    read -r campaign key < <($BENCH setup --db "$DB")
    folded() { pg_as_postgres psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "${DB_NAME}" -Atc \
        "SELECT coalesce(sum(events), 0) FROM campaign_partition_totals WHERE campaign_id = '$campaign'"; }
    local before after
    before=$(folded)
    http=$($BENCH http --url "http://127.0.0.1:$APP_PORT/" --key "$key" --campaign "$campaign" --seconds "$SECONDS_RUN" --concurrency 4 --batch 1000)
    after=$(folded)
    echo "sustained log=$label $http"
    awk -v n=$((after - before)) -v s="$SECONDS_RUN" -v l="$label" 'BEGIN { printf "sustained log=%s pipeline_events_during_ingest=%d pipeline_events_per_s=%.0f\n", l, n, n / s }'
    kill "$APP_PID" 2>/dev/null || echo "note: the app had already exited (see its log)"; wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
}
if [ "${HUB:-true}" = true ]; then
    bench_database crowdstart_fresh_bench
    DB_NAME=crowdstart_fresh_bench
    hub_freshness postgres
fi

if [ "${JETSTREAM:-true}" = true ]; then
    NATS_DIR=$(mktemp -d /var/tmp/crowdstart-bench-nats.XXXXXX)
    NATS_URLS=$(nats_start "$NATS_DIR" "$REPLICAS" 55470)
    bench_database crowdstart_pipeline_bench_js
    $BENCH pipeline --db "$DB" --events "$BACKLOG" --rate "$RATE" --seconds "$SECONDS_RUN" --engine jetstream --nats "$NATS_URLS" --replicas "$REPLICAS"
    if [ "${HUB:-true}" = true ]; then
        bench_database crowdstart_fresh_bench_js
        DB_NAME=crowdstart_fresh_bench_js
        hub_freshness "jetstream-r$REPLICAS" Log__Engine=JetStream Log__JetStream__Url="$NATS_URLS" Log__JetStream__Replicas="$REPLICAS"
    fi
fi
bench_machine
