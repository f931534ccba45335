#!/usr/bin/env bash
# Runs the product locally: a PostgreSQL 15 cluster (created on first use), the dashboard with the pipeline,
# and the demo traffic generator. Ctrl-C stops the app; `scripts/pg.sh stop` stops the cluster.
#   scripts/run.sh             one app instance, the log in PostgreSQL
#   scripts/run.sh --cluster   a 3-node NATS JetStream cluster on loopback (nats-server installed when missing), the log
#                              on it with 3 replicas, and two app instances on PORT and PORT+1 sharing the partitions
#                              (CLUSTER=1 does the same)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/nats.sh

CLUSTER=${CLUSTER:-}
case "${1:-}" in
    "") ;;
    --cluster) CLUSTER=1 ;;
    *) echo "usage: scripts/run.sh [--cluster]" >&2; exit 2 ;;
esac

ensure_node

PORT=${PORT:-5080}
PG_PORT=${PG_PORT:-$PG_DEFAULT_PORT}
PG_DATA=${PG_DATA:-$PG_DEFAULT_DATA}

echo "==> Starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PG_DATA)"
pg_start "$PG_DATA" "$PG_PORT"

echo "==> Building (first build also fetches apexcharts with npm ci)"
dotnet build Crowdstart.Dashboard/Crowdstart.Dashboard.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

export Demo__Enabled=true
APP=Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll

credentials() {
    cat <<MSG
  Demo campaigns receive live launch traffic; open the URL, sign in and pick a campaign:
    creator (Aurora Studio: 2 campaigns)   maya@aurora.demo        Crowdstart-maya-demo
    creator (Trailblazer Gear: 1 campaign) theo@trailblazer.demo   Crowdstart-theo-demo
    admin (grants, audit log, retention)   admin@crowdstart.demo   Crowdstart-admin-demo
  Send your own events with the demo key (see README.md, "Ingest API"): cs_demo_aurora-lamp
MSG
}

if [ -z "$CLUSTER" ]; then
    export ConnectionStrings__Crowdstart="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart;Username=postgres;Maximum Pool Size=40"
    export Urls="http://127.0.0.1:$PORT"
    echo
    echo "  Crowdstart Analytics is starting at  http://127.0.0.1:$PORT"
    credentials
    echo "  Ctrl-C stops the app; stop the database with: scripts/pg.sh stop"
    echo
    exec dotnet "$APP"
fi

# Cluster mode: its own database (a log's engine is fixed once used), JetStream with three replicas, two instances.
NATS_PORT=${NATS_PORT:-55450}
NATS_DATA=${NATS_DATA:-/var/lib/crowdstart/nats}
echo "==> Starting a 3-node JetStream cluster on 127.0.0.1:$NATS_PORT-$((NATS_PORT + 2)) (data: $NATS_DATA)"
nats_stop "$NATS_DATA"
NATS_URLS=$(nats_start "$NATS_DATA" 3 "$NATS_PORT")

export ConnectionStrings__Crowdstart="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_cluster;Username=postgres;Maximum Pool Size=40"
export Log__Engine=JetStream Log__JetStream__Url="$NATS_URLS" Log__JetStream__Replicas=3

pids=()
stop_apps() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_apps EXIT INT TERM

start_instance() {
    local port=$1 visitors=$2 history=$3
    Urls="http://127.0.0.1:$port" Demo__VisitorsPerSecond=$visitors Demo__HistoryCampaigns=$history dotnet "$APP" >"$NATS_DATA/app-$port.log" 2>&1 &
    pids+=($!)
    local deadline=$((SECONDS + 120))
    until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
        kill -0 "${pids[-1]}" 2>/dev/null || { echo "instance on $port exited; see $NATS_DATA/app-$port.log" >&2; tail -20 "$NATS_DATA/app-$port.log" >&2; exit 1; }
        [ $SECONDS -lt $deadline ] || { echo "instance on $port did not start; see $NATS_DATA/app-$port.log" >&2; exit 1; }
        sleep 0.5
    done
}

# The first instance migrates and seeds; the second starts once it is up. Only the first drives demo traffic and posts
# the finished campaigns' history (both are in demo mode, which keeps the demo accounts and keys usable); both process
# partitions and serve pages.
echo "==> Starting instance A on http://127.0.0.1:$PORT"
start_instance "$PORT" "${VISITORS:-6}" 120
echo "==> Starting instance B on http://127.0.0.1:$((PORT + 1))"
start_instance "$((PORT + 1))" 0 0

cat <<MSG

  Crowdstart Analytics runs as a cluster:
    instance A  http://127.0.0.1:$PORT
    instance B  http://127.0.0.1:$((PORT + 1))
    JetStream   $NATS_URLS  (stream CROWDSTART_EVENTS, 3 replicas)
  Both instances serve the same campaigns live and share the log partitions; events posted to either appear on both.
MSG
credentials
cat <<MSG
  Logs: $NATS_DATA/app-$PORT.log, $NATS_DATA/app-$((PORT + 1)).log, $NATS_DATA/n1.log…
  Ctrl-C stops both instances; stop JetStream with: scripts/nats.sh stop $NATS_DATA; the database with: scripts/pg.sh stop

MSG
# One instance dying (a crash, kill -9) leaves the other serving and taking its partitions over.
wait "${pids[@]}" || true
