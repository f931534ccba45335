#!/usr/bin/env bash
# Profile of the JetStream ingest path (issue 17): the Release app with Log:Engine = JetStream on one server (replicas
# 1, pipeline off, port 5090) under bench-ingest's HTTP load (CONCURRENCY clients over loopback, batches of BATCH), then:
#   1. CPU per event: the app's user + system CPU time per thread (/proc/PID/task) over a SECONDS run of the load,
#      divided by the events accepted in that run, by thread kind (no profiler attached);
#   2. a second SECONDS run of the same load with dotnet-trace attached (its default profile samples every managed
#      thread's stack, ~100 Hz); the samples of threads that were running, not waiting, are summarised per method
#      (inclusive and exclusive share of the app's running samples) by scripts/trace-summary.py, and the CPU per event of
#      the threads that serve requests (thread-pool workers, socket engine) from run 1 is split by those shares.
#   scripts/profile-ingest.sh [seconds=15] [batch=1000] [concurrency=4]
# Leaves the trace in /tmp/crowdstart-ingest-profile.nettrace (and .speedscope.json) for PerfView or speedscope.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
source scripts/nats.sh
SECONDS_RUN=${1:-15}
BATCH=${2:-1000}
CONCURRENCY=${3:-4}
APP_PORT=5090
TRACE=/tmp/crowdstart-ingest-profile.nettrace

NATS_DIR=$(mktemp -d /var/tmp/crowdstart-bench-nats.XXXXXX)
cleanup() {
    kill "${APP_PID:-}" 2>/dev/null || true
    nats_stop "$NATS_DIR"
    rm -rf "$NATS_DIR"
}
trap cleanup EXIT
bench_database crowdstart_profile_bench
bench_build
dotnet tool restore >/dev/null
NATS_URLS=$(nats_start "$NATS_DIR" 1 55470)
bench_app_start "$APP_PORT" /tmp/crowdstart-profile-app.log Processing__Enabled=false \
    Log__Engine=JetStream Log__JetStream__Url="$NATS_URLS" Log__JetStream__Replicas=1
trap cleanup EXIT
read -r CAMPAIGN KEY < <($BENCH setup --db "$DB")
http() { $BENCH http --url "http://127.0.0.1:$APP_PORT/" --key "$KEY" --campaign "$CAMPAIGN" --seconds "$1" --concurrency "$CONCURRENCY" --batch "$BATCH"; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

http 10 >/dev/null # unmeasured warm-up: the JIT's optimised tiers and the pools settle
python3 scripts/trace-summary.py snapshot "$APP_PID" >/tmp/crowdstart-profile-before.tsv
RUN=$(http "$SECONDS_RUN")
python3 scripts/trace-summary.py snapshot "$APP_PID" >/tmp/crowdstart-profile-after.tsv
echo "$RUN"
THREADS=$(python3 scripts/trace-summary.py threads /tmp/crowdstart-profile-before.tsv /tmp/crowdstart-profile-after.tsv "$(field http_events "$RUN")")
echo "$THREADS"

# The profiled run: the trace starts once the load runs and stops before it ends.
http $((SECONDS_RUN + 4)) >/tmp/crowdstart-profile-http.txt &
LOAD=$!
sleep 2
rm -f "$TRACE" "${TRACE%.nettrace}.speedscope.json"
dotnet dotnet-trace collect -p "$APP_PID" --duration "00:00:00:$(printf %02d "$SECONDS_RUN")" -o "$TRACE" --format Speedscope >/dev/null
wait $LOAD
echo "profiled run: $(cat /tmp/crowdstart-profile-http.txt)"
python3 scripts/trace-summary.py stacks "${TRACE%.nettrace}.speedscope.json" "$(grep -o 'request_threads_us_per_event=[0-9.]*' <<<"$THREADS" | cut -d= -f2)"
bench_machine
