#!/usr/bin/env bash
# Segment endpoint throughput beside our own API's, in one run on one database: sustained events/s through
# POST /v1/batch (Segment messages, key as Basic auth, mapped and then validated like ours) and POST /api/v1/events
# (the same funnel mix in our format), batches of 100 and 500, the pipeline off so the figures are the ingest path's.
# Events that reached the log are counted in the database (the Segment door answers 200 for refused events too).
#   scripts/bench-segment.sh [seconds=20] [concurrency=4]
# BENCH_PG_PORT / BENCH_PG_DATA move the benchmark cluster; APP_PORT the app.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
SECONDS_RUN=${1:-20}
CONCURRENCY=${2:-4}
APP_PORT=${APP_PORT:-5091}

bench_database crowdstart_bench_segment
bench_build
bench_app_start "$APP_PORT" /tmp/crowdstart-bench-segment-app.log Processing__Enabled=false

read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
logged() { pg_as_postgres psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d crowdstart_bench_segment -Atc "SELECT count(*) FROM event_log"; }
run() { $BENCH http --url "http://127.0.0.1:$APP_PORT/" --key "$KEY" --campaign "$CAMPAIGN" --seconds "$1" --concurrency "$CONCURRENCY" --batch "$2" --segment "$3"; }
# Unmeasured warm-up of both doors.
run 5 100 false >/dev/null
run 5 100 true >/dev/null
for BATCH in 100 500; do
    for SEGMENT in false true; do
        BEFORE=$(logged)
        OUT=$(run "$SECONDS_RUN" "$BATCH" "$SEGMENT")
        AFTER=$(logged)
        SECS=$(sed -E 's/.*http_seconds=([0-9.]+).*/\1/' <<<"$OUT")
        awk -v o="$OUT" -v n=$((AFTER - BEFORE)) -v s="$SECS" 'BEGIN { printf "%s logged=%d logged_per_s=%.0f\n", o, n, n / s }'
    done
done
echo "app: $(ps -o rss= -p $APP_PID | awk '{printf "%d MiB RSS", $1/1024}')"
kill $APP_PID; wait $APP_PID 2>/dev/null || true
bench_machine
