#!/usr/bin/env bash
# Benchmark 1, ingest: sustained durable events/s through HTTP (the load generator is its own process on
# loopback) with batches of 100 and 1,000 events, and beside it, in the same run and on the same cluster:
#   - the raw binary COPY rate of the same rows into the same event_log table (the engine's limit),
#   - the same COPY into a copy of the table with only its primary key (what the secondary indexes cost),
#   - a naive collector: one INSERT and one durable commit per event.
#   - then with Log:Engine = JetStream, on one server (replicas 1) and on a 3-server cluster on loopback (replicas 3):
#     the same HTTP load, and JetStream's own rate for the same payloads through the app's appender (no HTTP), the
#     JetStream engine's limit as COPY is PostgreSQL's (JETSTREAM=false skips this part).
# Prints every rate and the ratios. Not a test: the numbers go into docs/benchmarks.md. The sink's rate into event_log
# and 202 → hub freshness on both engines are scripts/bench-pipeline.sh's; the profile is scripts/profile-ingest.sh's.
#   scripts/bench-ingest.sh [seconds=20] [concurrency=4]
# The pipeline is off so the figures are the ingest path's own (PROCESSING=true runs it alongside).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
source scripts/nats.sh
SECONDS_RUN=${1:-20}
CONCURRENCY=${2:-4}
APP_PORT=5090

bench_database crowdstart_bench
bench_build
bench_app_start "$APP_PORT" /tmp/crowdstart-bench-app.log Processing__Enabled="${PROCESSING:-false}"

read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
http() { $BENCH http --url "http://127.0.0.1:$APP_PORT/" --key "$KEY" --campaign "$CAMPAIGN" --seconds "$1" --concurrency "$CONCURRENCY" --batch "$2"; }
# Unmeasured warm-up: the JIT's optimised tiers and the pools settle, as they would in a running service.
http 5 500 >/dev/null
H100=$(http "$SECONDS_RUN" 100); echo "$H100"
H1000=$(http "$SECONDS_RUN" 1000); echo "$H1000"
echo "app: $(ps -o rss= -p $APP_PID | awk '{printf "%d MiB RSS", $1/1024}')"
kill $APP_PID; wait $APP_PID 2>/dev/null || true

field() { sed -E "s/.*$1=([0-9]+).*/\1/" <<<"$2"; }
N=$(field http_events "$H1000")
COPY=$($BENCH copy --db "$DB" --campaign "$CAMPAIGN" --events "$N" --batch 5000); echo "$COPY"
BARE=$($BENCH copy --db "$DB" --campaign "$CAMPAIGN" --events "$N" --batch 5000 --bare true); echo "$BARE"
NAIVE=$($BENCH naive --db "$DB" --campaign "$CAMPAIGN" --seconds 10 --concurrency "$CONCURRENCY"); echo "$NAIVE"
C=$(field copy_events_per_s "$COPY")
awk -v a="$(field http_events_per_s "$H100")" -v b="$(field http_events_per_s "$H1000")" -v c="$C" \
    -v bare="$(field bare_copy_events_per_s "$BARE")" -v n="$(field naive_events_per_s "$NAIVE")" 'BEGIN {
    printf "ratios: http(100)/copy=%.2f http(1000)/copy=%.2f naive/copy=%.3f copy/bare_copy=%.2f http(1000)/naive=%.0fx\n", a / c, b / c, n / c, c / bare, b / n }'
if [ "${JETSTREAM:-true}" = true ]; then
    for REPLICAS in 1 3; do
        NATS_DIR=$(mktemp -d /var/tmp/crowdstart-bench-nats.XXXXXX)
        NATS_URLS=$(nats_start "$NATS_DIR" "$REPLICAS" 55470)
        bench_database crowdstart_bench_js
        bench_app_start "$APP_PORT" /tmp/crowdstart-bench-app-js.log Processing__Enabled="${PROCESSING:-false}" \
            Log__Engine=JetStream Log__JetStream__Url="$NATS_URLS" Log__JetStream__Replicas="$REPLICAS"
        read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
        http 5 500 >/dev/null
        J100=$(http "$SECONDS_RUN" 100); echo "jetstream R$REPLICAS $J100"
        J1000=$(http "$SECONDS_RUN" 1000); echo "jetstream R$REPLICAS $J1000"
        echo "app: $(ps -o rss= -p $APP_PID | awk '{printf "%d MiB RSS", $1/1024}')"
        kill $APP_PID; wait $APP_PID 2>/dev/null || true
        OWN=$($BENCH jspub --url "$NATS_URLS" --replicas "$REPLICAS" --seconds "$SECONDS_RUN" --concurrency "$CONCURRENCY" --batch 1000); echo "$OWN"
        nats_stop "$NATS_DIR"; rm -rf "$NATS_DIR"
        awk -v a="$(field http_events_per_s "$J100")" -v b="$(field http_events_per_s "$J1000")" -v own="$(field jetstream_events_per_s "$OWN")" \
            -v r="$REPLICAS" 'BEGIN { printf "ratios R%s: http(100)/own=%.2f http(1000)/own=%.2f\n", r, a / own, b / own }'
    done
fi
bench_machine
